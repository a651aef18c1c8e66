namespace Wirewatch.Classification.Tests;

/// <summary>The classifier carries the cleaner's story fields through, so the alerter and downstream services see them.</summary>
public sealed class StoryPassThroughTests
{
    [Fact]
    public void Classified_article_keeps_the_story_and_what_it_updates()
    {
        var cleaned = Classifiers.Article("Navy to hold drills", "The navy will hold drills next month, the ministry said.") with
        {
            StoryId = "story-1",
            UpdatesArticleId = "a0",
            UpdatesVersion = 2,
        };

        var classified = Classifiers.Shipped().Classify(cleaned);

        classified.StoryId.ShouldBe("story-1");
        classified.UpdatesArticleId.ShouldBe("a0");
        classified.UpdatesVersion.ShouldBe(2);
    }
}
