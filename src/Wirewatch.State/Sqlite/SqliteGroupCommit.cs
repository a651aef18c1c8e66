using Microsoft.Data.Sqlite;

namespace Wirewatch.State.Sqlite;

/// <summary>
/// Group commit for one SQLite file in this process: the writes that arrive while another is committing wait
/// (asynchronously) and then go together in one immediate transaction, one commit and so one fsync, each in a savepoint
/// of its own. Each write still sees every earlier write and nothing later, exactly as if they ran one after another, and
/// each caller continues only once its write is durable. A write that throws is rolled back to its savepoint and fails
/// alone; a failed commit fails every write of the batch.
/// <para>
/// Why: SQLite takes one writer at a time per file, and Microsoft.Data.Sqlite retries a busy write by sleeping a
/// thread-pool thread, so eight concurrent consumers each committing their own transaction blocked threads (the pool
/// then adds more) and paid one fsync per write (docs/benchmarks.md, "Per-article overhead").
/// </para>
/// </summary>
internal sealed class SqliteGroupCommit(Func<SqliteConnection> open)
{
    private readonly SemaphoreSlim _leader = new(1, 1);
    private readonly Lock _queueGate = new();
    private List<IPendingWrite> _queue = [];

    public async Task<T> WriteAsync<T>(Func<SqliteConnection, SqliteTransaction, CancellationToken, Task<T>> write, CancellationToken cancellationToken)
    {
        var pending = new PendingWrite<T>(write, cancellationToken);
        lock (_queueGate)
        {
            _queue.Add(pending);
        }

        try
        {
            await _leader.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // Not started: whoever leads next skips it. Started already: its outcome stands, and is what we return.
            if (pending.TryCancel())
            {
                throw;
            }

            return await pending.Completion;
        }

        try
        {
            // An earlier leader may have written ours in its batch already.
            if (!pending.Completion.IsCompleted)
            {
                await CommitBatchAsync();
            }
        }
        finally
        {
            _leader.Release();
        }

        return await pending.Completion;
    }

    private async Task CommitBatchAsync()
    {
        List<IPendingWrite> batch;
        lock (_queueGate)
        {
            batch = _queue;
            _queue = [];
        }

        var started = batch.Where(w => w.TryStart()).ToList();
        if (started.Count == 0)
        {
            return;
        }

        var written = new List<IPendingWrite>(started.Count);
        try
        {
            await using var connection = open();
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(); // BEGIN IMMEDIATE
            foreach (var write in started)
            {
                transaction.Save("w");
                try
                {
                    await write.RunAsync(connection, transaction);
                    transaction.Release("w");
                    written.Add(write);
                }
                catch (Exception e)
                {
                    transaction.Rollback("w");
                    transaction.Release("w");
                    write.Fail(e);
                }
            }

            await transaction.CommitAsync();
        }
        catch (Exception e)
        {
            foreach (var write in written)
            {
                write.Fail(e);
            }

            // Writes not reached (opening or beginning failed) fail with the same cause.
            foreach (var write in started.Where(w => !w.Completion.IsCompleted))
            {
                write.Fail(e);
            }

            return;
        }

        foreach (var write in written)
        {
            write.Succeed();
        }
    }

    private interface IPendingWrite
    {
        Task Completion { get; }

        bool TryStart();

        Task RunAsync(SqliteConnection connection, SqliteTransaction transaction);

        void Succeed();

        void Fail(Exception e);
    }

    private sealed class PendingWrite<T>(Func<SqliteConnection, SqliteTransaction, CancellationToken, Task<T>> write, CancellationToken cancellationToken)
        : IPendingWrite
    {
        private const int Waiting = 0, Started = 1, Cancelled = 2;
        private readonly TaskCompletionSource<T> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _state;
        private T _result = default!;

        public Task<T> Completion => _completion.Task;

        Task IPendingWrite.Completion => _completion.Task;

        public bool TryStart() => Interlocked.CompareExchange(ref _state, Started, Waiting) == Waiting;

        public bool TryCancel() => Interlocked.CompareExchange(ref _state, Cancelled, Waiting) == Waiting;

        public async Task RunAsync(SqliteConnection connection, SqliteTransaction transaction) =>
            _result = await write(connection, transaction, cancellationToken);

        public void Succeed() => _completion.TrySetResult(_result);

        public void Fail(Exception e)
        {
            if (e is OperationCanceledException canceled)
            {
                _completion.TrySetCanceled(canceled.CancellationToken);
            }
            else
            {
                _completion.TrySetException(e);
            }
        }
    }
}
