using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Wirewatch.WebConsole.Pages;

public sealed class SourcesModel(SourceOverview listing) : PageModel
{
    public IReadOnlyList<SourceView> Sources { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken cancellationToken) => Sources = await listing.ListAsync(cancellationToken);
}
