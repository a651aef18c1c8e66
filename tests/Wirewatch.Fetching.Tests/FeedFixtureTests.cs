using System.Globalization;
using System.Text.Json;

namespace Wirewatch.Fetching.Tests;

/// <summary>
/// Every feed in <c>feeds/manifest.json</c> (our own writing: each format, with and without <c>version</c>, every date
/// form, each encoding, and the mistakes feedparser forgives) decoded and parsed as the fetcher does, checked against
/// what the manifest says it holds.
/// </summary>
public sealed class FeedFixtureTests
{
    private static readonly string Folder = Path.Combine(AppContext.BaseDirectory, "feeds");
    private static readonly JsonElement Manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder, "manifest.json"))).RootElement;

    public static TheoryData<string> Fixtures()
    {
        var data = new TheoryData<string>();
        foreach (var fixture in Manifest.GetProperty("fixtures").EnumerateArray())
        {
            data.Add(fixture.GetProperty("file").GetString()!);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void Each_fixture_feed_parses_with_its_links_dates_and_titles(string file)
    {
        var expected = Manifest.GetProperty("fixtures").EnumerateArray().Single(f => f.GetProperty("file").GetString() == file);
        var charset = expected.TryGetProperty("httpCharset", out var http) ? http.GetString() : null;

        var (text, _) = TextDecoding.Decode(File.ReadAllBytes(Path.Combine(Folder, file)), charset, lastResort: "windows-1252");
        var feed = FeedParser.Parse(text, new Uri(Manifest.GetProperty("feedUrl").GetString()!));

        feed.Format.ShouldBe(expected.GetProperty("format").GetString());
        feed.Title.ShouldBe(expected.GetProperty("title").GetString());
        feed.Items.Select(i => i.Url).ShouldBe(expected.GetProperty("links").EnumerateArray().Select(l => l.GetString()!));
        var dates = expected.GetProperty("dates").EnumerateArray()
            .Select(d => d.ValueKind == JsonValueKind.Null ? (DateTimeOffset?)null : DateTimeOffset.Parse(d.GetString()!, CultureInfo.InvariantCulture))
            .ToList();
        for (var i = 0; i < dates.Count; i++)
        {
            var written = expected.TryGetProperty("written", out var w) ? w[i].GetString() : null;
            feed.Items[i].Feed!.PublishedAt.ShouldBe(dates[i], $"item {i + 1} of {file} ({written})");
        }

        if (expected.TryGetProperty("titles", out var titles))
        {
            feed.Items.Select(i => i.Feed!.Title).ShouldBe(titles.EnumerateArray().Select(t => t.GetString()));
        }

        feed.Skipped.ShouldBe(expected.TryGetProperty("noLink", out var noLink) ? noLink.GetInt32() : 0, "entries without a usable link");
        feed.UnreadableDates.ShouldBe(expected.TryGetProperty("badDates", out var bad) ? bad.GetInt32() : 0, "dates nothing could read");
        (feed.Recovered is not null).ShouldBe(expected.TryGetProperty("recovered", out var recovered) && recovered.GetBoolean(), feed.Recovered);
    }
}

public sealed class FeedSafetyTests
{
    private static readonly Uri FeedUrl = new("https://wire.example/feed");

    [Fact]
    public void An_external_entity_is_never_resolved_and_reads_no_file()
    {
        var secret = Path.Combine(Path.GetTempPath(), $"wirewatch-xxe-{Guid.NewGuid():N}.txt");
        File.WriteAllText(secret, "TOP-SECRET-CONTENT");
        try
        {
            var xml = $"""
                <?xml version="1.0"?>
                <!DOCTYPE rss [ <!ENTITY leak SYSTEM "{new Uri(secret).AbsoluteUri}"> <!ENTITY % remote SYSTEM "http://127.0.0.1:9/evil.dtd"> %remote; ]>
                <rss version="2.0"><channel><title>&leak;</title><link>https://wire.example/</link><description>d</description>
                <item><title>Leak: &leak;</title><link>https://wire.example/a/1</link></item></channel></rss>
                """;

            var feed = FeedParser.Parse(xml, FeedUrl);

            var item = feed.Items.ShouldHaveSingleItem();
            item.Url.ShouldBe("https://wire.example/a/1");
            item.Feed!.Title.ShouldBe("Leak: &leak;");
            (feed.Title ?? "").ShouldNotContain("TOP-SECRET");
        }
        finally
        {
            File.Delete(secret);
        }
    }

    [Fact]
    public void An_entity_expansion_bomb_is_inert_text_and_parses_quickly_in_little_memory()
    {
        var entities = string.Concat(Enumerable.Range(1, 9).Select(i => $"<!ENTITY lol{i} \"{string.Concat(Enumerable.Repeat($"&lol{i - 1};", 10))}\">"));
        var xml = $"""
            <?xml version="1.0"?>
            <!DOCTYPE lolz [ <!ENTITY lol0 "lol"> {entities} ]>
            <rss version="2.0"><channel><title>&lol9;</title><link>https://wire.example/</link><description>d</description>
            <item><title>&lol9;</title><link>https://wire.example/a/1</link></item></channel></rss>
            """;
        var before = GC.GetAllocatedBytesForCurrentThread();

        var feed = FeedParser.Parse(xml, FeedUrl);

        (GC.GetAllocatedBytesForCurrentThread() - before).ShouldBeLessThan(10_000_000, "a billion laughs would allocate gigabytes");
        feed.Items.ShouldHaveSingleItem().Feed!.Title.ShouldBe("&lol9;");
    }

    [Theory]
    [InlineData("")]
    [InlineData("   \r\n ")]
    [InlineData("\uFEFF")]
    public void An_empty_body_is_an_empty_response_not_a_feed(string body)
    {
        Should.Throw<FetchFailedException>(() => FeedParser.Parse(body, FeedUrl)).Reason.ShouldBe("empty-response");
    }

    [Theory]
    [InlineData("<html><body><p>Not a feed</p></body></html>")]
    [InlineData("<?xml version=\"1.0\"?><opml version=\"2.0\"><body/></opml>")]
    [InlineData("[1, 2, 3]")]
    [InlineData("{\"items\": [ {\"url\": ")]
    [InlineData("<rss><channel><item>")]
    [InlineData("garbage that is no markup at all")]
    public void A_body_with_no_feed_in_it_is_an_invalid_feed(string body)
    {
        Should.Throw<FetchFailedException>(() => FeedParser.Parse(body, FeedUrl)).Reason.ShouldBe("invalid-feed");
    }

    [Theory]
    [InlineData("<!-- a comment first --><rss version=\"2.0\"><channel/></rss>", true)]
    [InlineData("\uFEFF  <?xml version=\"1.0\"?>\n<!DOCTYPE rss PUBLIC \"-//Netscape Communications//DTD RSS 0.91//EN\" \"x.dtd\"><rss/>", true)]
    [InlineData("<feed xmlns=\"http://www.w3.org/2005/Atom\"/>", true)]
    [InlineData("<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\"/>", true)]
    [InlineData("{\"version\":\"https://jsonfeed.org/version/1.1\",\"items\":[]}", true)]
    [InlineData("<!DOCTYPE html><html><head><link rel=\"alternate\" type=\"application/rss+xml\"></head></html>", false)]
    [InlineData("<?xml version=\"1.0\"?><html xmlns=\"http://www.w3.org/1999/xhtml\"><body>rss feed</body></html>", false)]
    [InlineData("Plain text article about <rss> feeds", false)]
    public void A_feed_is_recognised_by_its_root_element_after_any_prolog(string body, bool feed)
    {
        FeedParser.LooksLikeFeed(body).ShouldBe(feed);
    }
}

public sealed class FeedDatesTests
{
    [Theory]
    [InlineData("Thu, 03 Mar 2016 13:37:00 KST", "2016-03-03T04:37:00Z")]
    [InlineData("Thu, 03 Mar 2016 13:37:00 +0900 (KST)", "2016-03-03T04:37:00Z")]
    [InlineData("Sat, 5 Mar 2016 1:02:03 CEST", "2016-03-04T23:02:03Z")]
    [InlineData("Thu, 03 Mar 2016 13:37:00 XYZ", "2016-03-03T13:37:00Z")]
    [InlineData("2016-03-03T13:37:00+0900", "2016-03-03T04:37:00Z")]
    [InlineData("2016-03-03T24:00:00Z", "2016-03-04T00:00:00Z")]
    [InlineData("Thursday, March 3rd, 2016 13:37", "2016-03-03T13:37:00Z")]
    public void Dates_read_leniently(string written, string utc)
    {
        FeedDates.TryParse(written, out var date).ShouldBeTrue();
        date.ShouldBe(DateTimeOffset.Parse(utc, CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData("not a date")]
    [InlineData("Thu, 32 Mar 2016 13:37:00 GMT")]
    [InlineData("2016-13-45")]
    [InlineData("99999999999999999999")]
    [InlineData("Thu, 03 Foo 2016 13:37:00 GMT")]
    [InlineData("Mon, 01 Jan 2016 00:00:00 +1459")] // An offset past +14:00, which DateTimeOffset refuses.
    [InlineData("9999-12-31T23:59:59-14:00")] // In UTC, past the year 9999.
    [InlineData("9999-12-31T24:00:00Z")]
    [InlineData("Dec 31, 9999 11:59 PM -1400")]
    [InlineData("\u0661\u0662\u0663\u0664-01-01")] // Arabic-Indic digits: a regex's \d matches them, int.Parse does not.
    [InlineData("Thu, \u0660\u0663 Mar 2016 13:37:00 GMT")]
    public void A_date_nothing_reads_is_false_and_never_throws(string written)
    {
        FeedDates.TryParse(written, out _).ShouldBeFalse();
    }
}

public sealed class CharsetLabelTests
{
    [Theory]
    [InlineData("cp\u0661\u0662\u0665\u0662")] // Digits of another script where a code page number belongs.
    [InlineData("windows-\u0967\u0968\u0969\u096A")]
    [InlineData("ibm99999")]
    [InlineData("x-no-such-charset")]
    public void A_charset_label_nothing_knows_is_passed_over_and_never_throws(string label)
    {
        // ASCII bytes: UTF-8 does not decide first, so the label is looked up.
        var (text, charset) = TextDecoding.Decode("<rss><channel><title>Cafe</title></channel></rss>"u8, label);

        text.ShouldContain("Cafe");
        charset.ShouldBe("utf-8");
    }
}

/// <summary>What a hidden corpus of real and broken feeds can do to the reader: never more than fail its own feed.</summary>
public sealed class FeedRobustnessTests
{
    private static readonly string Folder = Path.Combine(AppContext.BaseDirectory, "feeds");

    [Fact]
    public void Mangled_fixture_feeds_are_read_or_refused_with_a_reason_and_never_throw_anything_else()
    {
        var random = new Random(17); // Fixed: the same documents (50 per fixture) every run.
        var outcomes = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var file in Directory.GetFiles(Folder).Where(f => !f.EndsWith(".py", StringComparison.Ordinal) && !f.EndsWith("manifest.json", StringComparison.Ordinal)))
        {
            var original = File.ReadAllBytes(file);
            for (var round = 0; round < 50; round++)
            {
                var bytes = Mangle(original, random);
                string outcome;
                try
                {
                    var (text, _) = TextDecoding.Decode(bytes, null, lastResort: "windows-1252");
                    FeedParser.Parse(text, new Uri("https://wire.example/feed"));
                    outcome = "read";
                }
                catch (FetchFailedException e)
                {
                    outcome = e.Reason;
                }

                outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
            }
        }

        outcomes.Keys.ShouldBeSubsetOf(["read", "invalid-feed", "empty-response"]);
        outcomes["read"].ShouldBeGreaterThan(outcomes.Values.Sum() / 2, "most damage is forgiven, as feedparser forgives it");
    }

    [Fact]
    public void A_document_nested_a_hundred_thousand_deep_is_read_loosely_without_overflowing_the_stack()
    {
        var xml = "<rss><channel>" + string.Concat(Enumerable.Repeat("<x>", 100_000)) + "<item><link>https://wire.example/a</link></item>";

        var feed = FeedParser.Parse(xml, new Uri("https://wire.example/feed"));

        feed.Recovered.ShouldNotBeNull().ShouldContain("nested deeper than 256");
        feed.Items.ShouldHaveSingleItem().Url.ShouldBe("https://wire.example/a");
    }

    [Theory]
    [InlineData("<!DOCTYPE rss><rss/>", "<rss/>")]
    [InlineData("<!DOCTYPE rss [ <!ENTITY a \"]x\"> <!ENTITY b 'y'> ] ><rss/>", "<rss/>")] // A ']' inside the subset does not end it.
    [InlineData("<!DOCTYPE rss [ <!ENTITY a 'b'> <rss/>", "<!DOCTYPE rss [ <!ENTITY a 'b'> <rss/>")] // Never closed: left for the reader to stop at.
    [InlineData("<rss><!doctype x>a</rss>", "<rss>a</rss>")]
    public void The_DOCTYPE_is_cut_out_whole_internal_subset_and_all(string xml, string expected)
    {
        FeedMarkup.CutDoctype(xml).ShouldBe(expected);
    }

    [Fact]
    public void Markup_in_titles_is_stripped_as_the_tag_pattern_strips_it()
    {
        var random = new Random(17);
        for (var i = 0; i < 2000; i++)
        {
            var title = new string([.. Enumerable.Range(0, random.Next(1, 30)).Select(_ => "<>a &"[random.Next(5)])]);

            FeedItems.StripTags(title).ShouldBe(System.Text.RegularExpressions.Regex.Replace(title, "<[^>]*>", ""), title);
        }
    }

    [Fact]
    public void Floods_of_unclosed_markup_are_read_or_refused_without_hanging()
    {
        // Each took minutes when a pattern was retried at every opening (a DOCTYPE, a title's '<'); now one pass each.
        FeedParser.Parse("<?xml version=\"1.0\"?>" + string.Concat(Enumerable.Repeat("<!DOCTYPE x [", 100_000)) + "<rss><channel><item><link>https://wire.example/a</link></item></channel></rss>", new Uri("https://wire.example/feed"))
            .Items.ShouldHaveSingleItem().Url.ShouldBe("https://wire.example/a");
        FeedParser.Parse("<rss><channel><item><title>" + string.Concat(Enumerable.Repeat("&lt;", 300_000)) + "x</title><link>https://wire.example/a</link></item></channel></rss>", new Uri("https://wire.example/feed"))
            .Items.ShouldHaveSingleItem().Feed!.Title.ShouldBe(new string('<', 300_000) + "x");
    }

    private static byte[] Mangle(byte[] bytes, Random random)
    {
        var list = bytes.ToList();
        switch (random.Next(5))
        {
            case 0: // Cut short anywhere.
                return [.. list.Take(random.Next(list.Count + 1))];
            case 1: // A run of bytes gone.
                var at = random.Next(list.Count);
                list.RemoveRange(at, Math.Min(random.Next(1, 40), list.Count - at));
                return [.. list];
            case 2: // Markup and entities where they do not belong.
                string[] junk = ["<", "&", "</item>", "<item>", "]]>", "<![CDATA[", "&bogus;", "&#0;", "&#xFFFFFF;", "<!DOCTYPE x [<!ENTITY a 'b'>]>", "\"", "<?xml?>"];
                list.InsertRange(random.Next(list.Count + 1), System.Text.Encoding.UTF8.GetBytes(junk[random.Next(junk.Length)]));
                return [.. list];
            case 3: // Random bytes.
                for (var i = 0; i < 8; i++)
                {
                    list[random.Next(list.Count)] = (byte)random.Next(256);
                }

                return [.. list];
            default: // Stray text before the document.
                return [.. System.Text.Encoding.UTF8.GetBytes("PHP Notice: undefined index\n"), .. list];
        }
    }
}
