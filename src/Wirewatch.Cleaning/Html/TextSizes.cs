using AngleSharp.Dom;

namespace Wirewatch.Cleaning.Html;

/// <summary>
/// Text length, linked text length and link count of every element, measured in one pass over the tree (asking
/// <c>TextContent</c> of each element instead would walk the same subtrees again and again).
/// Lengths count non-whitespace characters.
/// </summary>
internal sealed class TextSizes
{
    private readonly Dictionary<IElement, (int Text, int Linked, int Links)> _sizes;

    private TextSizes(int capacity) => _sizes = new(capacity, ReferenceEqualityComparer.Instance);

    /// <summary><paramref name="elements"/>: about how many elements there are (sized once instead of grown).</summary>
    public static TextSizes Measure(IElement? root, int elements, bool insideLink = false)
    {
        var sizes = new TextSizes(elements);
        if (root is not null)
        {
            sizes.Visit(root, insideLink);
        }

        return sizes;
    }

    public int Text(IElement element) => _sizes.TryGetValue(element, out var s) ? s.Text : 0;

    /// <summary>Text outside links: what a reader reads rather than clicks.</summary>
    public int Unlinked(IElement element) => _sizes.TryGetValue(element, out var s) ? s.Text - s.Linked : 0;

    public int Links(IElement element) => _sizes.TryGetValue(element, out var s) ? s.Links : 0;

    public double LinkDensity(IElement element) =>
        _sizes.TryGetValue(element, out var s) && s.Text > 0 ? Math.Min(1, (double)s.Linked / s.Text) : 1;

    private (int Text, int Linked, int Links) Visit(IElement element, bool insideLink)
    {
        var isLink = element.LocalName == "a";
        int text = 0, linked = 0, links = isLink ? 1 : 0;
        var children = element.ChildNodes;
        for (var i = 0; i < children.Length; i++)
        {
            var child = children[i];
            if (child is IText t)
            {
                var length = ElementKinds.NonWhitespace(t.Data);
                text += length;
                if (insideLink || isLink)
                {
                    linked += length;
                }
            }
            else if (child is IElement e && e.LocalName is not ("script" or "style" or "template"))
            {
                var (childText, childLinked, childLinks) = Visit(e, insideLink || isLink);
                text += childText;
                linked += childLinked;
                links += childLinks;
            }
        }

        _sizes[element] = (text, linked, links);
        return (text, linked, links);
    }
}
