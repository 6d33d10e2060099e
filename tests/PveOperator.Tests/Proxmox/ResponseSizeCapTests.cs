using System.Net;
using PveOperator.Proxmox;

namespace PveOperator.Tests.Proxmox;

public sealed class ResponseSizeCapTests
{
    private const long Cap = 64 * 1024;

    private static PveClient Client(StubPveHandler handler) =>
        new(PveClientSettingsTests.Settings() with { MaxRetries = 0, MaxResponseBytes = Cap }, new CapturingLogger(), handler);

    [Fact]
    public async Task An_endless_answer_is_refused_after_the_cap_without_reading_the_rest()
    {
        var body = new CountingStream(100L * 1024 * 1024);
        var handler = new StubPveHandler(_ => new HttpResponseMessage(HttpStatusCode.OK) { Content = new StreamContent(body) });
        using var client = Client(handler);

        var error = await Assert.ThrowsAsync<PveApiException>(() => client.GetClusterResourcesAsync());

        Assert.Contains("larger than", error.Message, StringComparison.Ordinal);
        Assert.InRange(body.BytesRead, Cap, Cap + 128 * 1024);
    }

    [Fact]
    public async Task A_declared_length_over_the_cap_is_refused_unread()
    {
        var body = new CountingStream(Cap + 1);
        var handler = new StubPveHandler(_ =>
        {
            var content = new StreamContent(body);
            content.Headers.ContentLength = Cap + 1;
            return new HttpResponseMessage(HttpStatusCode.OK) { Content = content };
        });
        using var client = Client(handler);

        await Assert.ThrowsAsync<PveApiException>(() => client.GetVersionAsync());

        Assert.Equal(0, body.BytesRead);
    }

    [Fact]
    public async Task An_answer_under_the_cap_is_read_whole()
    {
        var handler = new StubPveHandler(_ => StubPveHandler.Json("""{"data":{"version":"8.3.2","release":"8.3","repoid":"abc"}}"""));
        using var client = Client(handler);

        Assert.Equal("8.3.2", (await client.GetVersionAsync()).Version);
    }
}
