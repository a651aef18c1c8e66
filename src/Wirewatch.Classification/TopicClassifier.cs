using Wirewatch.Contracts;

namespace Wirewatch.Classification;

/// <summary>
/// Scores a cleaned article against every topic of the taxonomy in one pass over its words, and keeps the evidence.
/// Score = 1 - exp(-mass / scale), where mass is the sum of matched term weights (headline x2, lead paragraph x1.5),
/// with the k-th occurrence of the same term counting 1/sqrt(k), divided by (1 + words / 250) so that long articles
/// need proportionally more evidence.
/// </summary>
public sealed class TopicClassifier
{
    public const string Algorithm = "lexicon-1";

    private const double HeadlineWeight = 2.0;
    private const double LeadWeight = 1.5;
    private const double LengthUnit = 250;
    private const int EvidencePerTopic = 5;

    private readonly Taxonomy _taxonomy;
    private readonly EntityExtractor _entities;
    // Topic terms and the entity extractor's names and trigger words: each word of the text is looked up once for both.
    private readonly PhraseIndex<IndexTerm> _index = new();

    /// <summary>Term <see cref="Term"/> of topic <see cref="Topic"/>, or (Topic -1) an entity extractor's term.</summary>
    private readonly record struct IndexTerm(int Topic, int Term, EntityExtractor.Term Entity);

    public TopicClassifier(Taxonomy taxonomy, EntityExtractor entities)
    {
        _taxonomy = taxonomy;
        _entities = entities;
        for (var t = 0; t < taxonomy.Topics.Count; t++)
        {
            for (var k = 0; k < taxonomy.Topics[t].Terms.Count; k++)
            {
                _index.Add(taxonomy.Topics[t].Terms[k].Term, new IndexTerm(t, k, default));
            }
        }

        entities.AddTermsTo(_index, entity => new IndexTerm(-1, -1, entity));

        Version = $"{Algorithm}+{taxonomy.ContentHash}+{entities.ContentHash}";
    }

    /// <summary>The classifier of a taxonomy file and a gazetteer file; a broken file throws <see cref="InvalidDataException"/>.</summary>
    public static TopicClassifier Load(string topicsPath, string entitiesPath) =>
        new(Taxonomy.Load(topicsPath), new EntityExtractor(Gazetteer.Load(entitiesPath)));

    /// <summary>Changes whenever the algorithm, the taxonomy or the gazetteer changes.</summary>
    public string Version { get; }

    public ArticleClassified Classify(ArticleCleaned article)
    {
        var topics = _taxonomy.Topics;
        var scan = new ScanState(topics.Count);
        var entities = new EntityExtractor.EntityScan();
        // Entities in the extractor's order (headline, dateline city, paragraphs), from the same lookups as the topics.
        Scan(article.Headline, HeadlineWeight, scan, entities);
        if (article.Dateline?.City is { } city)
        {
            _entities.Scan(scan.Tokens.Reset(city), entities);
        }

        for (var p = 0; p < article.Paragraphs.Count; p++)
        {
            Scan(article.Paragraphs[p], p == 0 ? LeadWeight : 1.0, scan, entities);
        }

        var (mass, hits) = (scan.Mass, scan.Hits);

        var lengthFactor = 1 + article.WordCount / LengthUnit;
        var scores = new List<TopicScore>(topics.Count);
        var ranked = new List<Hit>(hits.Count);
        for (var t = 0; t < topics.Count; t++)
        {
            var score = Math.Round(1 - Math.Exp(-Math.Max(0, mass[t]) / lengthFactor / topics[t].Scale), 3);
            ranked.Clear();
            foreach (var hit in hits.Values)
            {
                if (hit.Topic == t)
                {
                    ranked.Add(hit);
                }
            }

            // Heaviest first, then first seen: a total order within a topic (one hit per start word), so the sort needs no stability.
            var terms = topics[t].Terms;
            ranked.Sort((a, b) =>
            {
                var byWeight = (b.Count * terms[b.Term].Weight).CompareTo(a.Count * terms[a.Term].Weight);
                return byWeight != 0 ? byWeight : a.FirstPosition.CompareTo(b.FirstPosition);
            });
            var take = Math.Min(ranked.Count, EvidencePerTopic);
            var evidence = new List<Evidence>(take);
            for (var k = 0; k < take; k++)
            {
                var hit = ranked[k];
                evidence.Add(new Evidence { Term = terms[hit.Term].Term.TrimEnd('*'), Count = hit.Count, Snippet = Sentences.Around(hit.Text, hit.Start) });
            }

            scores.Add(new TopicScore { Topic = topics[t].Id, Score = score, Match = score >= topics[t].Threshold, Evidence = evidence });
        }

        scores.Sort((a, b) => b.Score != a.Score ? b.Score.CompareTo(a.Score) : string.CompareOrdinal(a.Topic, b.Topic));

        return new ArticleClassified
        {
            ArticleId = article.ArticleId,
            Version = article.Version,
            StoryId = article.StoryId,
            SourceId = article.SourceId,
            Url = article.Url,
            ProducedAt = article.ProducedAt,
            Headline = article.Headline,
            Flags = article.Flags,
            PublishedAt = article.PublishedAt,
            Dateline = article.Dateline,
            Summary = article.Paragraphs.Count > 0 ? article.Paragraphs[0] : null,
            Topics = scores,
            Entities = entities.Result(),
            ClassifierVersion = Version,
            UpdatesArticleId = article.UpdatesArticleId,
            UpdatesVersion = article.UpdatesVersion,
        };
    }

    /// <summary>A term's occurrences; where it first occurred, so the snippet is cut only if the term becomes evidence.</summary>
    private sealed class Hit(int topic, int term, string text, int start, int firstPosition)
    {
        public int Topic { get; } = topic;
        public int Term { get; } = term;
        public int Count { get; set; }
        public string Text { get; } = text;
        public int Start { get; } = start;
        public int FirstPosition { get; } = firstPosition;
    }

    /// <summary>What one article's scan accumulates; local to the call, so one classifier serves concurrent consumers.</summary>
    private sealed class ScanState(int topics)
    {
        public double[] Mass { get; } = new double[topics];
        public Dictionary<(int Topic, int Term), Hit> Hits { get; } = [];
        public int Position { get; set; }
        public TokenizedText Tokens { get; } = new();
        public List<(int Length, IndexTerm Payload)> Matches { get; } = [];
        public int[] CoveredUntil { get; } = new int[topics];
        public (int Length, int Term)[] Longest { get; } = new (int, int)[topics];
    }

    private void Scan(string text, double positionWeight, ScanState scan, EntityExtractor.EntityScan entities)
    {
        var (mass, hits) = (scan.Mass, scan.Hits);
        var tokens = scan.Tokens.Reset(text);
        var (coveredUntil, longest, matches) = (scan.CoveredUntil, scan.Longest, scan.Matches);
        Array.Clear(coveredUntil);
        entities.BeginText();
        for (var i = 0; i < tokens.Count; i++)
        {
            _index.MatchesAt(tokens, i, matches);
            if (matches.Count == 0)
            {
                continue;
            }

            Array.Fill(longest, (0, -1));
            foreach (var (length, (topic, term, entity)) in matches)
            {
                if (topic < 0)
                {
                    entities.Candidate(i, length, entity);
                }
                else if (i >= coveredUntil[topic] && length > longest[topic].Length)
                {
                    longest[topic] = (length, term);
                }
            }

            entities.EndWord(i);

            for (var topic = 0; topic < longest.Length; topic++)
            {
                var (length, term) = longest[topic];
                if (term < 0)
                {
                    continue;
                }

                // The longest phrase wins its words for this topic, so a false friend (weight 0) silences what it contains.
                coveredUntil[topic] = i + length;
                var weight = _taxonomy.Topics[topic].Terms[term].Weight;
                if (weight <= 0)
                {
                    mass[topic] += weight * positionWeight;
                    continue; // Context against the topic, or a false friend: never evidence for it.
                }

                if (!hits.TryGetValue((topic, term), out var hit))
                {
                    hits[(topic, term)] = hit = new Hit(topic, term, text, tokens[i].Start, scan.Position + i);
                }

                // Saturation: the k-th occurrence of the same term adds weight / sqrt(k), so a story that repeats one word
                // ("defector" five times) weighs less than one that uses the topic's vocabulary.
                hit.Count++;
                mass[topic] += weight * positionWeight / Math.Sqrt(hit.Count);
            }
        }

        EntityExtractor.EndText(tokens, entities);
        scan.Position += tokens.Count;
    }
}
