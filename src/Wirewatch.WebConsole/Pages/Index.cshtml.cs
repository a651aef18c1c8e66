using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Wirewatch.ArticleStore;

namespace Wirewatch.WebConsole.Pages;

public sealed class IndexModel(IArticleStore store, TimeProvider time) : PageModel
{
    [BindProperty(SupportsGet = true)] public string? Q { get; set; }
    [BindProperty(SupportsGet = true)] public string? Topic { get; set; }
    [BindProperty(SupportsGet = true)] public string? Since { get; set; }

    public IReadOnlyList<StoredArticle> Articles { get; private set; } = [];
    public string? Problem { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        try
        {
            Articles = await store.SearchAsync(new ArticleQuery(Q, Topic, WebConsole.Since.Parse(Since, time.GetUtcNow()), 100), cancellationToken);
        }
        catch (FormatException e)
        {
            Problem = e.Message;
        }
    }
}
