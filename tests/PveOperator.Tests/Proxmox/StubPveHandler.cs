using System.Collections.Concurrent;
using System.Net;
using System.Text;

namespace PveOperator.Tests.Proxmox;

/// <summary>
/// An in-memory PVE for client unit tests: answers by a function of the request, records every request and the
/// highest concurrency seen.
/// </summary>
internal sealed class StubPveHandler(Func<HttpRequestMessage, int, Task<HttpResponseMessage>> answer) : HttpMessageHandler
{
    private int inFlight;
    private int maxInFlight;
    private int calls;

    public StubPveHandler(Func<HttpRequestMessage, HttpResponseMessage> answer)
        : this((request, _) => Task.FromResult(answer(request)))
    {
    }

    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();

    public int MaxInFlight => Volatile.Read(ref maxInFlight);

    public int Count(string method, string pathSuffix) =>
        Requests.Count(r => r.Method == method && r.Path.EndsWith(pathSuffix, StringComparison.Ordinal));

    public static HttpResponseMessage Json(string body, HttpStatusCode status = HttpStatusCode.OK, string? reason = null) =>
        new(status)
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
            ReasonPhrase = reason,
        };

    /// <summary>A PVE error: the message in the reason phrase, the JSON envelope (optionally with message/errors) in the body.</summary>
    public static HttpResponseMessage Error(int status, string reason, string body = "{\"data\":null}") =>
        Json(body, (HttpStatusCode)status, reason);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var now = Interlocked.Increment(ref inFlight);
        int seen;
        while (now > (seen = Volatile.Read(ref maxInFlight)) && Interlocked.CompareExchange(ref maxInFlight, now, seen) != seen)
        {
        }
        try
        {
            var body = request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken);
            Requests.Enqueue(new RecordedRequest(
                request.Method.Method,
                request.RequestUri!.AbsolutePath,
                request.RequestUri.OriginalString,
                request.Headers.TryGetValues("Authorization", out var auth) ? auth.Single() : null,
                body));
            var response = await answer(request, Interlocked.Increment(ref calls)).WaitAsync(cancellationToken);
            response.RequestMessage = request;
            return response;
        }
        finally
        {
            Interlocked.Decrement(ref inFlight);
        }
    }
}
