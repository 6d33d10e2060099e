using PveOperator.Proxmox;
using PveSimulator;

namespace PveOperator.Tests.Proxmox;

/// <summary>
/// A simulator seeded for client tests, and clients configured for it (fingerprint pin, fast retries).
/// pve1: 100 running on DHCP, 101 stopped with a static address, 103 running and HA-managed.
/// pve2: 102 running with static IPv4 and IPv6.
/// </summary>
internal sealed class SimulatedPve : IAsyncDisposable
{
    public const int RunningDhcp = 100;
    public const int StoppedStatic = 101;
    public const int RunningStatic = 102;
    public const int HaManaged = 103;

    private readonly List<IDisposable> clients = [];

    private SimulatedPve(PveSimulatorServer server) => Server = server;

    public PveSimulatorServer Server { get; }

    public SimulatedCluster Cluster => Server.Cluster;

    /// <summary>Everything every client of this simulator logged.</summary>
    public CapturingLogger Log { get; } = new();

    public static async Task<SimulatedPve> StartAsync(SimulatorOptions? options = null, bool seed = true)
    {
        // Without PVE's 3 s delay before a 401, unless a test asks for a delay of its own.
        var server = await PveSimulatorServer.StartAsync((options ?? new SimulatorOptions { TaskDuration = TimeSpan.FromMilliseconds(50) }).WithoutUnauthorizedDelay());
        if (seed)
        {
            server.Cluster.AddNode("pve1", "127.0.0.1");
            server.Cluster.AddNode("pve2", "127.0.0.1");
            server.Cluster.AddContainer(new SimContainer
            {
                Vmid = RunningDhcp,
                Node = "pve1",
                Name = "web",
                Running = true,
                Net = { ["net0"] = "name=eth0,bridge=vmbr0,hwaddr=BC:24:11:89:67:07,ip=dhcp,ip6=auto,type=veth" },
                DhcpAddresses = { ["eth0"] = "192.168.3.95/22" },
            });
            server.Cluster.AddContainer(new SimContainer
            {
                Vmid = StoppedStatic,
                Node = "pve1",
                Name = "db",
                Net = { ["net0"] = "name=eth0,bridge=vmbr0,gw=10.1.1.1,hwaddr=BC:24:11:00:01:01,ip=10.1.1.5/24,type=veth" },
            });
            server.Cluster.AddContainer(new SimContainer
            {
                Vmid = RunningStatic,
                Node = "pve2",
                Name = "proxy",
                Running = true,
                Net =
                {
                    ["net0"] = "hwaddr=BC:24:11:00:01:02,name=eth0,ip6=2001:db8::3/64,ip=10.1.1.3/24,bridge=vmbr0,gw=10.1.1.1,type=veth",
                },
            });
            server.Cluster.AddContainer(new SimContainer
            {
                Vmid = HaManaged,
                Node = "pve1",
                Name = "ha",
                Running = true,
                HaManaged = true,
                Net = { ["net0"] = "name=eth0,bridge=vmbr0,ip=10.1.1.7/24" },
            });
        }
        return new SimulatedPve(server);
    }

    /// <summary>Settings for the default token, trusting the simulator by its fingerprint pin.</summary>
    public PveClientSettings Settings() =>
        new()
        {
            Url = Server.BaseUrl,
            TokenId = PveTokenId.Parse(PveSimulatorServer.DefaultTokenId),
            Secret = new PveSecret(Server.DefaultTokenSecret),
            Tls = new PveTlsSettings { PinnedFingerprint = PveCertificateFingerprint.Parse(Server.CertificateFingerprint) },
            RetryBaseDelay = TimeSpan.FromMilliseconds(2),
            RetryMaxDelay = TimeSpan.FromMilliseconds(20),
            RequestTimeout = TimeSpan.FromSeconds(5),
            InitTimeout = TimeSpan.FromSeconds(5),
        };

    public PveClient Client(Func<PveClientSettings, PveClientSettings>? adjust = null)
    {
        var settings = adjust is null ? Settings() : adjust(Settings());
        var client = new PveClient(settings, Log, handlerForTests: null);
        clients.Add(client);
        return client;
    }

    /// <summary>Polls the task (on the node of its UPID) until it ended.</summary>
    public static Task<PveTaskStatus> WaitAsync(IPveClient client, Upid upid) =>
        Eventually.ValueAsync(async () =>
        {
            var status = await client.GetTaskStatusAsync(upid);
            return status.IsRunning ? null : status;
        }, $"task {upid} ended", TimeSpan.FromSeconds(15));

    public async ValueTask DisposeAsync()
    {
        foreach (var client in clients)
        {
            client.Dispose();
        }
        await Server.DisposeAsync();
    }
}
