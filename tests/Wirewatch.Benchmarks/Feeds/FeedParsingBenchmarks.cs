using System.Text;
using System.Xml;
using BenchmarkDotNet.Attributes;
using Wirewatch.Fetching;

namespace Wirewatch.Benchmarks.Feeds;

/// <summary>
/// Reading one RSS 2.0 feed of 50 items (about 25 KB, the size of a wire's feed) with Wirewatch's reader, against
/// CodeHollow.FeedReader and against the floor: <see cref="XmlReader"/> walking the same text and touching every node.
/// </summary>
[MemoryDiagnoser]
public class FeedParsingBenchmarks
{
    private static readonly Uri FeedUrl = new("https://wire.example/feed");
    private string _feed = "";

    [GlobalSetup]
    public void Setup()
    {
        var items = new StringBuilder();
        for (var i = 0; i < 50; i++)
        {
            items.Append($"<item><title>North Korea fires missile &amp; more, story {i}</title><link>https://wire.example/a/{i}</link>")
                .Append($"<guid isPermaLink=\"false\">tag:wire.example,2016:{i}</guid><pubDate>Thu, 03 Mar 2016 13:{i % 60:00}:00 KST</pubDate>")
                .Append($"<description><![CDATA[<p>SEOUL, March 3 (Yonhap) -- Paragraph {i} of a wire story about sanctions and drills.</p>]]></description></item>");
        }

        _feed = $"<?xml version=\"1.0\" encoding=\"utf-8\"?><rss version=\"2.0\"><channel><title>Wire</title><link>https://wire.example/</link><description>d</description>{items}</channel></rss>";
    }

    [Benchmark(Baseline = true, Description = "XmlReader walk (floor)")]
    public int XmlReaderWalk()
    {
        using var reader = XmlReader.Create(new StringReader(_feed), new XmlReaderSettings { DtdProcessing = DtdProcessing.Ignore, XmlResolver = null });
        var nodes = 0;
        while (reader.Read())
        {
            nodes += reader.Value.Length > 0 ? 1 : 0;
        }

        return nodes;
    }

    [Benchmark(Description = "Wirewatch FeedParser")]
    public int Wirewatch() => FeedParser.Parse(_feed, FeedUrl).Items.Count;

    [Benchmark(Description = "CodeHollow.FeedReader")]
    public int CodeHollow() => global::CodeHollow.FeedReader.FeedReader.ReadFromString(_feed).Items.Count;
}
