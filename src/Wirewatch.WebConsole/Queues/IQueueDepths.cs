namespace Wirewatch.WebConsole.Queues;

/// <summary>Messages waiting in the consumer queues and their error queues.</summary>
public interface IQueueDepths
{
    /// <summary>Null when the transport has no queues to measure (the in-memory bus): the console shows "n/a".</summary>
    Task<IReadOnlyList<QueueDepth>?> ReadAsync(CancellationToken cancellationToken);
}

/// <param name="Messages">Null when the queue does not exist (yet) or could not be read; <paramref name="Problem"/> says why.</param>
public sealed record QueueDepth(string Queue, long? Messages, string? Problem);

/// <summary>The in-memory bus: nothing to measure.</summary>
public sealed class NoQueueDepths : IQueueDepths
{
    public Task<IReadOnlyList<QueueDepth>?> ReadAsync(CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<QueueDepth>?>(null);
}
