using AngleSharp.Dom;

namespace Wirewatch.Cleaning.Html;

/// <summary>The elements a source rule's selectors pick out, offered each element of one walk.</summary>
internal sealed class RuleMatches
{
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, RuleSelector?> Parsed = new();

    private readonly RuleSelector? _headline, _time, _body, _drop;

    private RuleMatches(SourceRule? rule)
    {
        _headline = Selector(rule?.Headline);
        _time = Selector(rule?.Time);
        _body = Selector(rule?.Body);
        _drop = Selector(rule?.Drop);
    }

    public IElement? Headline { get; private set; }
    public IElement? Time { get; private set; }
    public IElement? Body { get; private set; }
    public List<IElement> Drop { get; } = [];

    public static RuleMatches For(SourceRule? rule) => new(rule);

    /// <summary>Records what <paramref name="element"/> matches; true when the rule drops it.</summary>
    public bool Check(IElement element)
    {
        if (_headline is null && _time is null && _body is null && _drop is null)
        {
            return false;
        }

        var hasClass = element.HasAttribute("class");
        if (_headline is not null && Headline is null && _headline.Matches(element, hasClass))
        {
            Headline = element;
        }

        if (_time is not null && Time is null && _time.Matches(element, hasClass))
        {
            Time = element;
        }

        if (_body is not null && Body is null && _body.Matches(element, hasClass))
        {
            Body = element;
        }

        if (_drop is not null && _drop.Matches(element, hasClass))
        {
            Drop.Add(element);
            return true;
        }

        return false;
    }

    private static RuleSelector? Selector(string? text) =>
        text is null ? null : Parsed.GetOrAdd(text, static t =>
            new AngleSharp.Css.Parser.CssSelectorParser().ParseSelector(t) is { } parsed ? new RuleSelector(parsed, RequiresClass(t)) : null);

    /// <summary>
    /// True when every selector of the list ends in a compound with a class (<c>.drop</c>, <c>article.story</c>,
    /// <c>.box .date</c>): only elements with a class attribute can match it. AngleSharp's class test builds the
    /// element's class list even when it has none, so the walk asks such selectors of classed elements alone.
    /// Anything less plain (pseudo-classes, attributes, escapes) is asked of every element.
    /// </summary>
    internal static bool RequiresClass(string selector)
    {
        if (selector.AsSpan().IndexOfAny("([:\\\"'") >= 0)
        {
            return false;
        }

        foreach (var part in selector.Split(','))
        {
            var list = part.AsSpan().Trim();
            var compound = list[(list.LastIndexOfAny(" \t\n\r\f>+~") + 1)..];
            if (!compound.Contains('.'))
            {
                return false;
            }
        }

        return true;
    }
}

internal sealed record RuleSelector(AngleSharp.Css.Dom.ISelector Selector, bool RequiresClass)
{
    public bool Matches(IElement element, bool hasClass) => (hasClass || !RequiresClass) && Selector.Match(element, null);
}
