using System.Net;
using System.Net.Security;
using System.Security.Cryptography;
using Microsoft.Extensions.Time.Testing;
using PveSimulator;

namespace PveOperator.Tests.Simulator;

/// <summary>
/// One simulator per test, seeded with two nodes and three CTs, plus an HttpClient that trusts exactly the
/// simulator's certificate by its fingerprint (as the operator will).
/// </summary>
internal sealed class SimulatorTestHost : IAsyncDisposable
{
    public const int RunningDhcpCt = 100;
    public const int StoppedCt = 101;
    public const int RunningStaticCt = 102;

    private readonly HttpClient defaultClient;

    private SimulatorTestHost(PveSimulatorServer server, FakeTimeProvider? time)
    {
        Server = server;
        Time = time;
        defaultClient = CreateClient(server.DefaultAuthorizationHeader);
    }

    public PveSimulatorServer Server { get; }
    /// <summary>The simulator's clock when the test asked for a fake one.</summary>
    public FakeTimeProvider? Time { get; }
    public SimulatedCluster Cluster => Server.Cluster;

    /// <summary>Starts a simulator; with <paramref name="fakeTime"/> tasks, DHCP and refreshes only move when the test advances the clock.</summary>
    public static async Task<SimulatorTestHost> StartAsync(SimulatorOptions? options = null, bool fakeTime = false)
    {
        var time = fakeTime ? new FakeTimeProvider(DateTimeOffset.UtcNow) : null;
        // PVE's 3 s delay before a 401 would slow every test that checks one; tests that want it set their own.
        options = (options ?? new SimulatorOptions()).WithoutUnauthorizedDelay();
        if (time is not null)
        {
            options = options with { TimeProvider = time };
        }

        var server = await PveSimulatorServer.StartAsync(options);
        server.Cluster.AddNode("pve1", "127.0.0.1");
        server.Cluster.AddNode("pve2", "127.0.0.1");
        server.Cluster.AddContainer(new SimContainer
        {
            Vmid = RunningDhcpCt,
            Node = "pve1",
            Name = "web",
            Running = true,
            Net = { ["net0"] = "name=eth0,bridge=vmbr0,hwaddr=BC:24:11:89:67:07,ip=dhcp,ip6=auto,type=veth" },
            DhcpAddresses = { ["eth0"] = "192.168.3.95/22" },
        });
        server.Cluster.AddContainer(new SimContainer
        {
            Vmid = StoppedCt,
            Node = "pve1",
            Name = "db",
            Net = { ["net0"] = "name=eth0,bridge=vmbr0,hwaddr=BC:24:11:00:01:01,ip=dhcp,type=veth" },
            DhcpAddresses = { ["eth0"] = "192.168.3.96/22" },
        });
        server.Cluster.AddContainer(new SimContainer
        {
            Vmid = RunningStaticCt,
            Node = "pve2",
            Name = "proxy",
            Running = true,
            Net = { ["net0"] = "name=eth0,bridge=vmbr0,gw=10.1.1.1,hwaddr=BC:24:11:00:01:02,ip=10.1.1.3/24,type=veth" },
        });
        return new SimulatorTestHost(server, time);
    }

    /// <summary>A client that pins the simulator's certificate and sends the given Authorization header (null: none).</summary>
    public HttpClient CreateClient(string? authorization)
    {
        var expected = Server.CertificateFingerprint;
        var handler = new SocketsHttpHandler
        {
            // Tests set Cookie headers (PVEAuthCookie) themselves.
            UseCookies = false,
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                    certificate is not null && Fingerprint(certificate.GetRawCertData()) == expected,
            },
        };
        var client = new HttpClient(handler) { BaseAddress = Server.BaseUrl, Timeout = TimeSpan.FromSeconds(30) };
        if (authorization is not null)
        {
            client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", authorization);
        }

        return client;
    }

    public static string Fingerprint(byte[] der) => string.Join(':', SHA256.HashData(der).Select(b => b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture)));

    public Task<SimResponse> GetAsync(string apiPath, HttpClient? client = null) =>
        SendAsync(new HttpRequestMessage(HttpMethod.Get, "/api2/json" + apiPath), client);

    public Task<SimResponse> PostAsync(string apiPath, IReadOnlyDictionary<string, string>? form = null, HttpClient? client = null) =>
        SendAsync(new HttpRequestMessage(HttpMethod.Post, "/api2/json" + apiPath) { Content = new FormUrlEncodedContent(form ?? new Dictionary<string, string>()) }, client);

    public Task<SimResponse> PutAsync(string apiPath, IReadOnlyDictionary<string, string> form, HttpClient? client = null) =>
        SendAsync(new HttpRequestMessage(HttpMethod.Put, "/api2/json" + apiPath) { Content = new FormUrlEncodedContent(form) }, client);

    public Task<SimResponse> DeleteAsync(string apiPath, HttpClient? client = null) =>
        SendAsync(new HttpRequestMessage(HttpMethod.Delete, "/api2/json" + apiPath), client);

    public async Task<SimResponse> SendAsync(HttpRequestMessage request, HttpClient? client = null)
    {
        using (request)
        using (var response = await (client ?? defaultClient).SendAsync(request))
        {
            return new SimResponse(response.StatusCode, response.ReasonPhrase, await response.Content.ReadAsStringAsync());
        }
    }

    /// <summary>POSTs a power action that must be accepted and returns its UPID.</summary>
    public async Task<string> SubmitAsync(string node, int vmid, string action, IReadOnlyDictionary<string, string>? form = null)
    {
        var response = await PostAsync($"/nodes/{node}/lxc/{vmid}/status/{action}", form);
        Assert.True(response.Status == HttpStatusCode.OK, $"{action} answered {response.Code} {response.Reason}");
        return response.Data!.GetValue<string>();
    }

    public async Task<SimResponse> TaskStatusAsync(string upid) =>
        await GetAsync($"/nodes/{upid.Split(':')[1]}/tasks/{Uri.EscapeDataString(upid)}/status");

    /// <summary>Polls the task until it stopped; with a fake clock, advances it by <paramref name="step"/> between polls.</summary>
    public async Task<SimResponse> WaitForTaskAsync(string upid, TimeSpan? step = null)
    {
        SimResponse? stopped = null;
        await Eventually.TrueAsync(async () =>
        {
            var status = await TaskStatusAsync(upid);
            if (status.Data?["status"]?.GetValue<string>() == "stopped")
            {
                stopped = status;
                return true;
            }

            Time?.Advance(step ?? TimeSpan.FromMilliseconds(100));
            return false;
        }, $"task {upid} stopped");
        return stopped!;
    }

    /// <summary>Waits until the condition holds.</summary>
    public static Task EventuallyAsync(Func<Task<bool>> condition, string because) => Eventually.TrueAsync(condition, because);

    public async Task<string?> StatusOfAsync(string node, int vmid) =>
        (await GetAsync($"/nodes/{node}/lxc/{vmid}/status/current")).Data?["status"]?.GetValue<string>();

    public async ValueTask DisposeAsync()
    {
        defaultClient.Dispose();
        await Server.DisposeAsync();
    }
}
