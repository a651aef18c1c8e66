using Shouldly;
using Wirewatch.Cleaning.Evaluation;
using Xunit;

namespace Wirewatch.Cleaning.Tests.Evaluation;

/// <summary>Expected values computed with the benchmark's own Python code (evaluate.py's tokenizer and shingle matching).</summary>
public sealed class ShingleMetricTests
{
    [Fact]
    public void Scores_a_partial_match_as_the_benchmark_does()
    {
        var (tp, fp, fn) = ShingleMetric.Match(
            "The quick brown fox jumps over the lazy dog.",
            "The quick brown fox jumps over a lazy dog. Share this");

        tp.ShouldBe(3.0 / 11, 1e-9);
        fp.ShouldBe(5.0 / 11, 1e-9);
        fn.ShouldBe(3.0 / 11, 1e-9);
        var (precision, recall) = ShingleMetric.PrecisionRecall(tp, fp, fn);
        precision.ShouldBe(0.375, 1e-9);
        recall.ShouldBe(0.5, 1e-9);
    }

    [Fact]
    public void Splits_tokens_at_combining_marks_as_Pythons_word_class_does()
    {
        // Python's \w is str.isalnum(): Devanagari vowel signs (Mn, Mc) are not word characters, unlike .NET's \w.
        ShingleMetric.Tokens("नमस्ते दुनिया आज बारिश है").ShouldBe(["नमस", "त", "द", "न", "य", "आज", "ब", "र", "श", "ह"]);
    }

    [Fact]
    public void A_text_shorter_than_a_shingle_is_one_shingle()
    {
        ShingleMetric.Match("Kim Jong Un", "Kim Jong").ShouldBe((0.0, 0.5, 0.5));
        ShingleMetric.PrecisionRecall(0, 0.5, 0.5).ShouldBe((0.0, 0.0));
    }

    [Fact]
    public void Nothing_on_either_side_scores_one_and_an_empty_extraction_zero()
    {
        var (tp, fp, fn) = ShingleMetric.Match("", "");
        ShingleMetric.PrecisionRecall(tp, fp, fn).ShouldBe((1.0, 1.0));
        (tp, fp, fn) = ShingleMetric.Match("a b c d e", "");
        ShingleMetric.PrecisionRecall(tp, fp, fn).ShouldBe((0.0, 0.0));
    }
}
