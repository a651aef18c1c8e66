using AngleSharp.Dom;

namespace Wirewatch.Cleaning.Html;

/// <summary>The generic reading's choice of the article body: the element whose paragraphs make it the article.</summary>
internal static class BodyChooser
{
    /// <summary>
    /// Scores every element by the paragraphs directly inside it (longer and comma-richer paragraphs count more, half to
    /// the grandparent), discounts by link density, and takes the best; when its siblings score too, their parent.
    /// </summary>
    public static IElement? Choose(IDocument document, PageInventory inventory, TextSizes sizes)
    {
        if (inventory.ArticleBodies is [var marked] && marked.ParentElement is not null)
        {
            return marked;
        }

        var scores = new Dictionary<IElement, double>();
        foreach (var paragraph in inventory.Paragraphs)
        {
            if (paragraph.LocalName is "div" or "td" && !HoldsTextDirectly(paragraph))
            {
                continue; // a wrapper; its paragraphs count on their own
            }

            if (ElementKinds.IsNoise(paragraph))
            {
                continue;
            }

            var length = sizes.Text(paragraph);
            if (length < 25)
            {
                continue;
            }

            var score = 1 + Commas(paragraph) + Math.Min(length / 100.0, 3);
            if (paragraph.ParentElement is { } parent)
            {
                scores[parent] = scores.GetValueOrDefault(parent) + score;
                if (parent.ParentElement is { } grandparent)
                {
                    scores[grandparent] = scores.GetValueOrDefault(grandparent) + score / 2;
                }
            }
        }

        if (scores.Count == 0)
        {
            return document.Body;
        }

        var ranked = scores.Select(s => (Element: s.Key, Score: s.Value * (1 - sizes.LinkDensity(s.Key))))
            .OrderByDescending(s => s.Score).ToList();
        var best = ranked[0];
        if (best.Element.ParentElement is { } container && container != document.Body)
        {
            var siblings = ranked.Count(r => r.Element != best.Element && r.Element.ParentElement == container && r.Score >= best.Score * 0.25);
            if (siblings > 0)
            {
                return container;
            }
        }

        return best.Element;
    }

    /// <summary>The commas of the node's <c>TextContent</c>, counted in its text nodes without building the string.</summary>
    private static int Commas(INode node)
    {
        if (node is IText text)
        {
            return text.Data.AsSpan().Count(',');
        }

        var count = 0;
        var children = node.ChildNodes;
        for (var i = 0; i < children.Length; i++)
        {
            count += Commas(children[i]);
        }

        return count;
    }

    /// <summary>A div used as a paragraph: it has a text node of its own and no block children.</summary>
    private static bool HoldsTextDirectly(IElement element)
    {
        var hasText = false;
        foreach (var child in element.ChildNodes)
        {
            if (child is IElement e && ElementKinds.BlockTags.Contains(e.LocalName))
            {
                return false;
            }

            hasText |= child is IText t && t.Data.AsSpan().Trim().Length >= 25;
        }

        return hasText;
    }
}
