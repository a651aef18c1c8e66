using AngleSharp.Dom;

namespace Wirewatch.Cleaning.Html;

/// <summary>
/// The generic reading's choice of the article body. Every block's own text (its text nodes and inline elements, not
/// its nested blocks) is classed: <em>prose</em> (25+ characters, mostly unlinked, outside furniture) counts for the
/// blocks around it, <em>boilerplate</em> (link lists, menus, comments, cookie banners, sidebars, footers) counts
/// against them, short lines count neither way. The body is the element with the most prose less boilerplate: a body
/// split into sibling blocks by ad slots, "continue reading" links or section headings is one element with all of its
/// parts, and a comment thread or cookie banner, however wordy, scores against itself.
/// </summary>
internal sealed class BodyChooser
{
    /// <summary>Own text under this many non-blank characters is neither prose nor boilerplate (labels, headings, bylines).</summary>
    private const int ProseChars = 25;

    /// <summary>What a character of boilerplate costs against one of prose: under 1, so that an ad slot or a link box inside the body does not split it.</summary>
    private const double Alpha = 0.7;

    /// <summary>Unlinked characters the post that held the headline needs to be the body rather than its headline's wrapper.</summary>
    private const int OwnPostChars = 200;

    /// <summary>Class or id words that mark a region as never the article, whatever its size (unlike <c>share</c> or <c>print</c>, which article wrappers carry).</summary>
    private static readonly HashSet<string> NeverArticleWords = new(StringComparer.OrdinalIgnoreCase)
    {
        "comment", "comments", "cookie", "cookies", "consent", "gdpr", "disqus", "respond", "reply", "replies",
    };

    /// <summary>Class or id words of regions that hold no article unless they hold most of the page's unlinked text (a wrapper such as <c>class="story share-on"</c>).</summary>
    private static readonly HashSet<string> RegionWords = new(StringComparer.OrdinalIgnoreCase)
    {
        "share", "sharing", "social", "sns", "related", "relate", "recommend", "recommended", "promo", "advert", "advertisement",
        "ad", "ads", "adslot", "adunit", "banner", "newsletter", "subscribe", "subscription", "signup", "login", "breadcrumb",
        "breadcrumbs", "menu", "nav", "navbar", "sidebar", "rail", "widget", "widgets", "popular", "trending", "mostread",
        "outbrain", "taboola", "footer", "masthead", "modal", "popup", "overlay", "sponsored", "more", "excerpt",
    };

    private static readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> NeverArticleSpans = NeverArticleWords.GetAlternateLookup<ReadOnlySpan<char>>();
    private static readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> RegionSpans = RegionWords.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>Regions that are never article text and are counted against the blocks that hold them.</summary>
    private static readonly HashSet<string> BoilerplateTags = new(StringComparer.OrdinalIgnoreCase) { "nav", "aside", "footer", "dialog" };

    /// <summary>Never text at all: skipped, counted neither way.</summary>
    private static readonly HashSet<string> SilentTags = new(StringComparer.OrdinalIgnoreCase)
    {
        "script", "style", "noscript", "template", "svg", "button", "select", "input", "label", "iframe", "textarea", "option",
        "figure", "figcaption", "head", "title",
    };

    private readonly TextSizes _sizes;
    private readonly int _pageText;
    private IElement? _best;
    private double _bestScore;

    private BodyChooser(TextSizes sizes, int pageText) => (_sizes, _pageText) = (sizes, pageText);

    /// <param name="headlineParent">Where the headline stood before it was taken out of the page, if it came from the body.</param>
    public static IElement? Choose(IDocument document, PageInventory inventory, TextSizes sizes, IElement? headlineParent = null)
    {
        if (document.Body is not { } body)
        {
            return null;
        }

        var chooser = new BodyChooser(sizes, Math.Max(1, sizes.Unlinked(body)));
        chooser.Visit(body, boilerplate: false, linked: false, owner: null);
        var best = OwnPost(chooser._best ?? body, inventory, sizes, headlineParent);

        // itemprop="articleBody" (also in a list: itemprop="description articleBody") is the site saying where the body is.
        if (inventory.ArticleBodies is [var marked] && marked.ParentElement is not null && sizes.Text(marked) >= ProseChars)
        {
            return marked;
        }

        return best;
    }

    /// <summary>Prose and boilerplate under <paramref name="element"/>; a block's own text is added to <paramref name="owner"/> when it is inline.</summary>
    private (double Prose, double Boilerplate) Visit(IElement element, bool boilerplate, bool linked, OwnText? owner)
    {
        var tag = element.LocalName;
        if (SilentTags.Contains(tag) || ElementKinds.IsHidden(element))
        {
            return (0, 0);
        }

        boilerplate = boilerplate || BoilerplateTags.Contains(tag) || IsNeverArticle(element)
                      || (IsRegion(element) && !ElementKinds.IsEmbed(element) && _sizes.Unlinked(element) < _pageText * 0.4);
        linked = linked || tag == "a";
        var isBlock = owner is null || ElementKinds.BlockTags.Contains(tag);
        var own = isBlock ? new OwnText() : owner!;
        double prose = 0, against = 0;
        var children = element.ChildNodes;
        for (var i = 0; i < children.Length; i++)
        {
            switch (children[i])
            {
                case IText text:
                    var length = ElementKinds.NonWhitespace(text.Data);
                    own.Length += length;
                    if (length > 0)
                    {
                        own.Ellipsis = text.Data.AsSpan().TrimEnd() is var trimmed && (trimmed.EndsWith("...") || trimmed.EndsWith("\u2026"));
                    }

                    if (linked)
                    {
                        own.Linked += length;
                    }

                    break;
                case IElement child:
                    var (p, b) = Visit(child, boilerplate, linked, own);
                    prose += p;
                    against += b;
                    break;
            }
        }

        if (isBlock && own.Length > 0)
        {
            // A teaser (a related story's linked headline and first lines cut with "...") is not the article's prose.
            if (boilerplate || own.Linked * 2 > own.Length || (own.Ellipsis && own.Linked > 0 && own.Length < 400))
            {
                against += own.Length;
            }
            else if (own.Length >= ProseChars)
            {
                prose += own.Length - own.Linked;
            }
        }

        var score = prose - Alpha * against;
        if (isBlock && prose > 0 && score > _bestScore)
        {
            // Children are visited first, so an outer element replaces an inner one only when it adds prose: the
            // body is the innermost element with the best score.
            _best = element;
            _bestScore = score;
        }

        return (prose, against);
    }

    /// <summary>
    /// A blog page that lists other posts below its own, each an <c>article</c>: together they outweigh the post, so the
    /// best element holds them all. The page's own post is the <c>article</c> that held its headline.
    /// </summary>
    private static IElement OwnPost(IElement best, PageInventory inventory, TextSizes sizes, IElement? headlineParent)
    {
        if (headlineParent is null || inventory.Articles.Count < 2)
        {
            return best;
        }

        IElement? own = null;
        for (var e = headlineParent; e is not null && e != best; e = e.ParentElement)
        {
            if (e.LocalName == "article")
            {
                own = e; // the outermost article under the best element
            }
        }

        if (own is null || sizes.Unlinked(own) < OwnPostChars)
        {
            return best;
        }

        foreach (var other in inventory.Articles)
        {
            if (other != own && !own.Contains(other) && !other.Contains(own) && best.Contains(other) && sizes.Unlinked(other) >= ProseChars)
            {
                return own;
            }
        }

        return best;
    }

    private static bool IsNeverArticle(IElement element) =>
        ElementKinds.HasWord(element.ClassName, NeverArticleSpans) || ElementKinds.HasWord(element.Id, NeverArticleSpans);

    private static bool IsRegion(IElement element) =>
        ElementKinds.HasWord(element.ClassName, RegionSpans) || ElementKinds.HasWord(element.Id, RegionSpans) || element.GetAttribute("role") is "navigation" or "complementary" or "banner" or "contentinfo";

    /// <summary>A block's own text: its text nodes and those of its inline descendants.</summary>
    private sealed class OwnText
    {
        public int Length;
        public int Linked;
        public bool Ellipsis;
    }
}
