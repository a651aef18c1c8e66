using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Wirewatch.Alerting;
using Wirewatch.ArticleStore;
using Wirewatch.WebConsole.Access;

namespace Wirewatch.WebConsole.Pages;

public sealed class ArticleModel(IArticleStore store, IReplayRequestStore replays) : PageModel
{
    public StoredArticle? Latest { get; private set; }
    public IReadOnlyList<StoredArticle> Versions { get; private set; } = [];
    public IReadOnlyList<StoredArticle> Story { get; private set; } = [];
    public AlertsView Alerts { get; private set; } = AlertsView.Empty;

    /// <summary>The original's link only when it is http(s): a stored <c>javascript:</c> URL must not become a link.</summary>
    public string SafeUrl => Latest is { } a && Uri.TryCreate(a.Url, UriKind.Absolute, out var u) && (u.Scheme == Uri.UriSchemeHttp || u.Scheme == Uri.UriSchemeHttps) ? u.AbsoluteUri : "#";

    public async Task<IActionResult> OnGetAsync(string id, CancellationToken cancellationToken)
    {
        Versions = await store.VersionsAsync(id, cancellationToken);
        if (Versions.Count == 0)
        {
            return NotFound();
        }

        Latest = Versions[0];
        Story = Latest.StoryId is { } storyId ? await store.StoryAsync(storyId, cancellationToken) : [];
        Alerts = await AlertsView.LoadAsync(await store.AlertsAsync(null, id, 200, cancellationToken), User.IsInRole(ConsoleTokens.OperatorRole), replays, cancellationToken);
        return Page();
    }
}
