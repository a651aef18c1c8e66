using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Wirewatch.Tests.Shared.Http;

/// <summary>
/// A webhook receiver on loopback, as a subscriber would write one: it verifies each request's Standard Webhooks
/// signature on its own (HMAC-SHA256 of id.timestamp.body), de-duplicates on <c>webhook-id</c>, and answers what the
/// test scripts (500 for a while, 410, a hang, 429 with Retry-After).
/// </summary>
internal sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly LoopbackHttpServer _server;
    private readonly ConcurrentQueue<Received> _requests = new();
    private readonly ConcurrentDictionary<string, int> _accepted = new(StringComparer.Ordinal);
    private int _count;

    private WebhookReceiver(LoopbackHttpServer server, byte[] key)
    {
        _server = server;
        Key = key;
    }

    public byte[] Key { get; }

    /// <summary>Decides the answer to the n-th request (1-based); null means 200 OK.</summary>
    public Func<int, HttpContext, Task<IResult?>> Script { get; set; } = (_, _) => Task.FromResult<IResult?>(null);

    public Uri Url => _server.Url("hook");
    public IReadOnlyCollection<Received> Requests => _requests.ToArray();

    /// <summary>Alert ids answered 2xx, with how many times each (more than once would be a duplicate delivery).</summary>
    public IReadOnlyDictionary<string, int> Accepted => _accepted;

    public static async Task<WebhookReceiver> StartAsync(byte[] key)
    {
        WebhookReceiver? receiver = null;
        var server = await LoopbackHttpServer.StartAsync(app => app.MapPost("/hook", (Delegate)((HttpContext context) => receiver!.HandleAsync(context))));
        receiver = new WebhookReceiver(server, key);
        return receiver;
    }

    private async Task<IResult> HandleAsync(HttpContext context)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
        var body = buffer.ToArray();
        var id = context.Request.Headers["webhook-id"].ToString();
        var timestamp = context.Request.Headers["webhook-timestamp"].ToString();
        var signature = context.Request.Headers["webhook-signature"].ToString();
        var expected = "v1," + Convert.ToBase64String(HMACSHA256.HashData(Key, Encoding.UTF8.GetBytes($"{id}.{timestamp}.").Concat(body).ToArray()));
        var valid = signature.Split(' ').Contains(expected, StringComparer.Ordinal);
        var n = Interlocked.Increment(ref _count);
        _requests.Enqueue(new Received(n, id, timestamp, valid, Encoding.UTF8.GetString(body), TimeProvider.System.GetUtcNow())
        {
            // Every header as received, for verifiers other than ours (the StandardWebhooks package takes them whole).
            Headers = new HeaderDictionary(context.Request.Headers.ToDictionary(h => h.Key, h => h.Value, StringComparer.OrdinalIgnoreCase)),
        });
        if (!valid)
        {
            return Results.Unauthorized();
        }

        var scripted = await Script(n, context);
        if (scripted is not null)
        {
            return scripted;
        }

        _accepted.AddOrUpdate(id, 1, (_, c) => c + 1);
        return Results.Ok();
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    public sealed record Received(int Number, string Id, string Timestamp, bool SignatureValid, string Body, DateTimeOffset At)
    {
        public IHeaderDictionary Headers { get; init; } = new HeaderDictionary();
    }
}
