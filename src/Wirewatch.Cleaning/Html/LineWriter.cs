using System.Text;
using AngleSharp.Dom;

namespace Wirewatch.Cleaning.Html;

/// <summary>Renders a subtree as lines: block elements and <c>br</c> break lines; furniture and link lists are skipped.</summary>
internal sealed class LineWriter(List<string> lines, TextSizes sizes, int rootLength)
{
    private readonly StringBuilder _line = new();

    public void Write(INode node, bool isRoot = false)
    {
        if (node is IText text)
        {
            _line.Append(text.Data);
            return;
        }

        if (node is not IElement element)
        {
            return;
        }

        if (!isRoot && Skip(element))
        {
            return;
        }

        var tag = element.LocalName;
        if (tag == "br")
        {
            Flush();
            return;
        }

        // A table row is one line, its cells separated by spaces: a results table reads "1 Kyle Busch 5040", not seven
        // one-word lines that look like a menu.
        var cell = tag is "td" or "th";
        var block = !cell && ElementKinds.BlockTags.Contains(tag);
        if (cell)
        {
            _line.Append(' ');
        }

        if (block)
        {
            Flush(blank: true);
        }

        var children = element.ChildNodes;
        for (var i = 0; i < children.Length; i++)
        {
            Write(children[i]);
        }

        if (block)
        {
            Flush(blank: true);
        }
    }

    public void Flush(bool blank = false)
    {
        if (Whitespace.Normalize(_line.ToString()) is { } line)
        {
            lines.Add(line);
        }

        _line.Clear();
        if (blank && lines.Count > 0 && lines[^1].Length > 0)
        {
            lines.Add("");
        }
    }

    private bool Skip(IElement element)
    {
        if (ElementKinds.NoiseTags.Contains(element.LocalName))
        {
            return true;
        }

        if (ElementKinds.IsFurniture(element))
        {
            // A wrapper that merely carries a furniture word (class="article share-on") holds most of the text: keep it;
            // so is one around a post the article quotes (<div class="video-container"><blockquote class="twitter-tweet">).
            return sizes.Text(element) < rootLength * 0.4 && !ElementKinds.WrapsQuotedPost(element);
        }

        var tag = element.LocalName;
        if (tag is "ul" or "ol" or "div" or "section" or "table" or "p" or "dl")
        {
            var links = sizes.Links(element);
            var length = sizes.Text(element);
            // Link lists (menus, related headlines) and one-link "Read more" teasers; a paragraph with a sentence's
            // worth of unlinked text is prose that carries a pop-up of links (a lead naming a politician), not a list.
            return (links >= 2 && sizes.LinkDensity(element) > 0.5 && length < rootLength * 0.4 && (tag != "p" || sizes.Unlinked(element) < 80))
                   || (links == 1 && length < 100 && sizes.LinkDensity(element) > 0.6);
        }

        // A cluster of links inside a paragraph (a name's pop-up card with its latest headlines).
        return tag == "span" && sizes.Links(element) >= 3 && sizes.LinkDensity(element) > 0.8;
    }
}
