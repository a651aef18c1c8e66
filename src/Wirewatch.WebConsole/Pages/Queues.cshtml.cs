using Microsoft.AspNetCore.Mvc.RazorPages;
using Wirewatch.WebConsole.Queues;

namespace Wirewatch.WebConsole.Pages;

public sealed class QueuesModel(IQueueDepths queues) : PageModel
{
    public IReadOnlyList<QueueDepth>? Depths { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken) => Depths = await queues.ReadAsync(cancellationToken);
}
