using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using System.Xml;
using System.Xml.Linq;

namespace Wirewatch.Fetching;

/// <summary>
/// OPML in and out of <c>sources.json</c>, as Miniflux, FreshRSS and other readers export and import it: every
/// <c>outline</c> with an <c>xmlUrl</c> (at any depth: categories nest) is a feed. Import merges into the existing file,
/// keeping its entries and fields untouched, skipping URLs already there, and gives each new source a readable id
/// (from the outline's title, else its host) that is unique in the file.
/// </summary>
public static partial class SourcesOpml
{
    public sealed record Outline(string? Title, string XmlUrl);

    public sealed record ImportResult(string Json, IReadOnlyList<string> Added, int AlreadyPresent, int Unusable);

    /// <summary>The feed outlines of an OPML document (DTDs ignored, nothing resolved).</summary>
    public static IReadOnlyList<Outline> Read(string opml)
    {
        var settings = new XmlReaderSettings { DtdProcessing = DtdProcessing.Ignore, XmlResolver = null };
        XDocument document;
        try
        {
            using var reader = XmlReader.Create(new StringReader(opml), settings);
            document = XDocument.Load(reader);
        }
        catch (XmlException e)
        {
            throw new InvalidDataException($"not a readable OPML file: {e.Message}", e);
        }

        if (document.Root?.Name.LocalName != "opml")
        {
            throw new InvalidDataException($"not an OPML file: the root element is <{document.Root?.Name.LocalName}>, not <opml>.");
        }

        return document.Descendants().Where(e => e.Name.LocalName == "outline")
            .Select(e => (Title: Attribute(e, "title") ?? Attribute(e, "text"), Url: Attribute(e, "xmlUrl")))
            .Where(o => o.Url is not null)
            .Select(o => new Outline(o.Title, o.Url!))
            .ToList();
    }

    /// <summary>Adds the outlines to <paramref name="existingJson"/> (a sources.json, or null for a new file) as sources of <paramref name="kind"/>.</summary>
    public static ImportResult Merge(string? existingJson, IEnumerable<Outline> outlines, string kind)
    {
        var root = (existingJson is null ? null : JsonNode.Parse(existingJson) as JsonObject) ?? new JsonObject();
        if (root["sources"] is not JsonArray sources)
        {
            sources = [];
            root["sources"] = sources;
        }

        var ids = new HashSet<string>(sources.Select(s => s?["id"]?.GetValue<string>()).OfType<string>(), StringComparer.Ordinal);
        var urls = new HashSet<string>(sources.Select(s => s?["url"]?.GetValue<string>()).OfType<string>().Select(CanonicalUrl.Normalize), StringComparer.Ordinal);
        var added = new List<string>();
        int present = 0, unusable = 0;
        foreach (var outline in outlines)
        {
            if (!Uri.TryCreate(outline.XmlUrl.Trim(), UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
            {
                unusable++;
                continue;
            }

            if (!urls.Add(CanonicalUrl.Normalize(url.AbsoluteUri)))
            {
                present++;
                continue;
            }

            var id = UniqueId(Slug(outline.Title) ?? Slug(url.Host) ?? "feed", ids);
            sources.Add(new JsonObject { ["id"] = id, ["kind"] = kind, ["url"] = url.AbsoluteUri });
            added.Add(id);
        }

        return new ImportResult(root.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }) + "\n", added, present, unusable);
    }

    /// <summary>OPML 2.0 of the web feed sources (rss, atom, feed, auto); other kinds have no place in a feed reader.</summary>
    public static string Write(IEnumerable<SourceDefinition> sources)
    {
        var body = new XElement("body");
        foreach (var source in sources.Where(s => s.Kind is SourceKinds.Rss or SourceKinds.Atom or SourceKinds.Feed or SourceKinds.Auto && s.Url is not null))
        {
            body.Add(new XElement("outline",
                new XAttribute("type", "rss"),
                new XAttribute("text", source.Id),
                new XAttribute("title", source.Id),
                new XAttribute("xmlUrl", source.Url!)));
        }

        var document = new XDocument(new XDeclaration("1.0", "utf-8", null),
            new XElement("opml", new XAttribute("version", "2.0"), new XElement("head", new XElement("title", "Wirewatch sources")), body));
        var text = new StringBuilder();
        using (var writer = XmlWriter.Create(text, new XmlWriterSettings { Indent = true, Encoding = Encoding.UTF8 }))
        {
            document.Save(writer);
        }

        return text.ToString().Replace("encoding=\"utf-16\"", "encoding=\"utf-8\"", StringComparison.Ordinal) + "\n";
    }

    private static string? Attribute(XElement element, string name) =>
        element.Attributes().FirstOrDefault(a => a.Name.LocalName.Equals(name, StringComparison.OrdinalIgnoreCase))?.Value is { } value
        && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;

    /// <summary>Lower-case letters, digits and dashes: <c>Yonhap News (NK)</c> becomes <c>yonhap-news-nk</c>.</summary>
    private static string? Slug(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var slug = NotIdCharacters().Replace(text.Normalize(NormalizationForm.FormKD).ToLowerInvariant(), "-").Trim('-');
        if (slug.Length > 48)
        {
            slug = slug[..48].TrimEnd('-');
        }

        return slug.Length == 0 ? null : slug;
    }

    private static string UniqueId(string id, HashSet<string> taken)
    {
        var candidate = id;
        for (var n = 2; !taken.Add(candidate); n++)
        {
            candidate = $"{id}-{n}";
        }

        return candidate;
    }

    [GeneratedRegex("[^a-z0-9]+")]
    private static partial Regex NotIdCharacters();
}
