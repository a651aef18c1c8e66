using Wirewatch.ArticleStore;
using Wirewatch.State.Sqlite;

namespace Wirewatch.State.Tests;

/// <summary>The state seam is storage: it implements the stages' interfaces and knows no user interface.</summary>
public sealed class DependencyTests
{
    [Fact]
    public void The_state_seam_references_no_web_project_and_the_article_store_contract_only_the_contracts()
    {
        var state = typeof(SqliteArticleStore).Assembly.GetReferencedAssemblies().Select(a => a.Name!).ToList();
        state.ShouldNotContain("Wirewatch.WebConsole");
        state.ShouldNotContain(n => n.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal), "no ASP.NET Core in a storage project");
        state.ShouldContain("Wirewatch.ArticleStore", "the article store's interface comes from its contract project");

        typeof(IArticleStore).Assembly.GetReferencedAssemblies().Select(a => a.Name!).Where(n => n.StartsWith("Wirewatch.", StringComparison.Ordinal))
            .ShouldBe(["Wirewatch.Contracts"]);
    }
}
