using System.Globalization;
using System.Text;

namespace Wirewatch.Tests.Shared.Load;

/// <summary>
/// Wire-style articles of our own making for load and fault runs: each is clearly about one topic (so each raises an
/// alert), composed from seeded random choices. The templates alone would make every article a near-duplicate of the
/// others, which the cleaner's story detector (word 3-shingles) rightly folds into one story with one alert; so each
/// sentence carries reference numbers of its own before its function words, which leaves the topic phrases intact and
/// makes almost every 3-shingle unique. <c>sizeFactor</c> repeats the body with fresh sentences: 1x is about 4 KB.
/// </summary>
internal static class SyntheticArticles
{
    private static readonly string[] Cities = ["SEOUL", "WASHINGTON", "UNITED NATIONS", "TOKYO", "BEIJING", "GENEVA", "NEW YORK", "BRUSSELS"];
    private static readonly string[] Months = ["Jan.", "Feb.", "March", "April", "May", "June", "July", "Aug.", "Sept.", "Oct.", "Nov.", "Dec."];
    private static readonly string[] Officials = ["a senior official", "the ministry spokesperson", "a government source", "the envoy", "a diplomat familiar with the matter", "the deputy minister", "an analyst at a state think tank", "a military officer"];
    private static readonly string[] Places = ["the Yellow Sea", "the East Sea", "Pyongyang", "Sinuiju", "Nampo", "Wonsan", "the border city of Dandong", "Kaesong", "the port of Rajin", "Chongjin"];
    private static readonly string[] Numbers = ["two", "three", "four", "five", "six", "seven", "nine", "eleven", "fourteen", "twenty"];

    private static readonly Topic[] Topics =
    [
        new("sanctions",
            ["imposes new sanctions on {0} shipping firms", "freezes assets of {0} trading companies", "blacklists {0} tankers over oil transfers", "tightens export ban enforcement on {0} front companies"],
            [
                "The Treasury Department designated {0} companies accused of helping the regime evade U.N. Security Council sanctions through ship-to-ship transfers near {1}.",
                "The asset freeze targets entities that shipped coal and refined petroleum in violation of the export ban, {2} said.",
                "A panel of experts report found that {0} vessels switched off their transponders before meeting North Korean tankers off {1}.",
                "Member states were urged to inspect cargo and to enforce the embargo on luxury goods and industrial machinery, according to {2}.",
                "The sanctions committee added {0} individuals to its list, barring them from travel and freezing their bank accounts.",
                "Officials said the designations were meant to cut off revenue that funds weapons programs banned under several Security Council resolutions.",
                "The European Union said it would align its own restrictive measures with the new blacklist within {0} weeks.",
                "Investigators traced payments through front companies in {1} that laundered proceeds from illicit coal exports, {2} said.",
            ]),
        new("defense",
            ["fires {0} ballistic missiles into {1}", "stages artillery drills near the border, military says", "conducts {0} days of joint air exercises", "deploys new air defense units near {1}"],
            [
                "The Joint Chiefs of Staff said the North fired {0} short-range ballistic missiles from near {1} toward the sea, and that the military had stepped up surveillance.",
                "South Korean and U.S. forces began combined air drills involving {0} fighter jets, a show of force that the defense ministry called a routine exercise of readiness.",
                "The army placed its frontline units on heightened alert after the artillery barrage near the maritime border, {2} said.",
                "Defense officials said the launches threatened regional security and violated the military agreement meant to reduce tension along the border.",
                "The navy dispatched {0} destroyers equipped with missile defense systems to track the projectiles, according to {2}.",
                "The allies reaffirmed their mutual defense commitment and said extended deterrence would be strengthened with more deployments of strategic assets.",
                "Military analysts said the drills near {1} were meant to test the readiness of the North's rocket forces.",
                "The defense minister ordered troops to respond sternly to any provocation along the Demilitarized Zone, {2} said.",
            ]),
        new("human_rights",
            ["U.N. report details abuses in {0} prison camps", "defectors describe forced labor at {1} sites", "rights groups urge release of {0} detained defectors", "U.N. rapporteur calls for accountability over abductees"],
            [
                "A United Nations human rights report documented torture, forced labor and public executions in {0} political prison camps, based on interviews with defectors.",
                "The special rapporteur on human rights urged Beijing not to forcibly repatriate {0} defectors detained near {1}, warning they faced torture on return.",
                "Families of abductees held a rally calling for the return of relatives taken decades ago, {2} said.",
                "Former detainees testified that prisoners in the camps near {1} were denied food and medical care and forced to work in mines.",
                "Human rights groups said freedom of expression remained severely restricted, with citizens punished for watching foreign films.",
                "The Human Rights Council adopted a resolution condemning systematic abuses and calling for accountability, according to {2}.",
                "Activists said {0} defectors who escaped last year described public trials and the detention of entire families.",
                "The commission of inquiry's findings on crimes against humanity were cited by {2} as the basis for new accountability efforts.",
            ]),
    ];

    public sealed record Article(int Index, string Topic, string FileName, string Text);

    public static IReadOnlyList<Article> Create(int count, int sizeFactor = 1, int seed = 20261125)
    {
        var random = new Random(seed);
        var articles = new List<Article>(count);
        for (var i = 0; i < count; i++)
        {
            var topic = Topics[i % Topics.Length];
            articles.Add(new Article(i, topic.Id, $"article-{i:D6}.txt", Write(i, topic, sizeFactor, random)));
        }

        return articles;
    }

    /// <summary>
    /// A <c>(LEAD)</c> update of <paramref name="article"/>, as the wire files one: the headline marked, one paragraph
    /// more. Same story, no new topic and no higher severity, so it joins the story without an update alert.
    /// </summary>
    public static Article LeadUpdate(Article article, int index, string fileName)
    {
        var lines = article.Text.Split('\n');
        var headline = Array.FindIndex(lines, l => l.StartsWith("N. Korea", StringComparison.Ordinal));
        lines[headline] = "(LEAD) " + lines[headline];
        var text = string.Join('\n', lines).Replace("(END)", "Officials said more details would be released later.\n\n(END)", StringComparison.Ordinal);
        return article with { Index = index, FileName = fileName, Text = text };
    }

    private static string Write(int index, Topic topic, int sizeFactor, Random random)
    {
        var text = new StringBuilder();
        var month = random.Next(12);
        var day = random.Next(1, 28);
        var hour = random.Next(6, 23);
        var city = Cities[random.Next(Cities.Length)];
        var headline = $"N. Korea {random.Next(100, 999)} " + Scatter(Fill(topic.Headlines[random.Next(topic.Headlines.Length)], random), random);
        text.Append("Go to Contents Go to Navigation\n\n");
        text.Append(CultureInfo.InvariantCulture, $"{headline} ({index})\n\n");
        text.Append(CultureInfo.InvariantCulture, $"All News {hour:D2}:{random.Next(60):D2} {Months[month]} {day}, 2025\n\n");

        var paragraphs = 8 * sizeFactor;
        for (var p = 0; p < paragraphs; p++)
        {
            if (p == 0)
            {
                text.Append(CultureInfo.InvariantCulture, $"{city}, {Months[month]} {day} (Yonhap) -- ");
            }

            // Two or three sentences per paragraph, each with its own random figures, places and speakers.
            var sentences = 2 + random.Next(2);
            for (var s = 0; s < sentences; s++)
            {
                text.Append(Scatter(Fill(topic.Sentences[random.Next(topic.Sentences.Length)], random), random)).Append(' ');
            }

            text.Append(CultureInfo.InvariantCulture, $"The figure cited in briefing {index}-{p} was {random.Next(100, 100000)}.\n\n");
        }

        text.Append(CultureInfo.InvariantCulture, $"(END)\n\nSend Feedback\n");
        return text.ToString();
    }

    /// <summary>Function words that never sit inside a taxonomy phrase ("ship to ship", "ban on exports" keep theirs).</summary>
    private static readonly HashSet<string> BreakBefore = new(StringComparer.Ordinal)
        { "the", "a", "and", "that", "was", "were", "by", "for", "from", "near", "after", "before", "its", "their", "in", "said", "which", "who", "as" };

    private static string Scatter(string sentence, Random random)
    {
        var words = sentence.Split(' ');
        var text = new StringBuilder();
        for (var i = 0; i < words.Length; i++)
        {
            if (i > 0 && BreakBefore.Contains(words[i]))
            {
                text.Append(CultureInfo.InvariantCulture, $"{random.Next(1000, 99999)} ");
            }

            text.Append(words[i]).Append(' ');
        }

        return text.ToString().TrimEnd();
    }

    private static string Fill(string template, Random random) =>
        string.Format(CultureInfo.InvariantCulture, template,
            Numbers[random.Next(Numbers.Length)], Places[random.Next(Places.Length)], Officials[random.Next(Officials.Length)]);

    private sealed record Topic(string Id, string[] Headlines, string[] Sentences);
}
