using System.Net;
using PveOperator.Proxmox;
using PveSimulator;

namespace PveOperator.Tests.Proxmox;

/// <summary>Init, cluster/standalone discovery, the three PVE version shapes and every TLS mode, against the simulator.</summary>
[Collection(SimulatorClientCollection.Name)]
public sealed class SimulatorDiscoveryTests
{
    [Fact]
    public async Task Clustered_init_names_the_cluster_and_fills_the_pool()
    {
        await using var pve = await SimulatedPve.StartAsync(new SimulatorOptions { ClusterName = "homelab" });
        var client = pve.Client();

        var info = await client.InitializeAsync();

        Assert.Equal("homelab", info.Name);
        Assert.False(info.IsStandalone);
        Assert.True(info.Quorate);
        Assert.Equal("pve1, pve2", client.Nodes.AvailableNodeNames);
        Assert.All(client.Nodes, n => Assert.True(n.Online));
        Assert.Equal("proxmox node pve3 not found (available: pve1, pve2)",
            Assert.Throws<PveNodeNotFoundException>(() => client.Nodes.Get("pve3")).Message);
    }

    [Fact]
    public async Task Standalone_init_names_the_cluster_after_the_node()
    {
        await using var pve = await SimulatedPve.StartAsync(new SimulatorOptions { ClusterName = null }, seed: false);
        pve.Cluster.AddNode("pve", "127.0.0.1");
        var client = pve.Client();

        var info = await client.InitializeAsync();

        Assert.True(info.IsStandalone);
        Assert.Equal("pve", info.Name);
        Assert.Equal("pve", Assert.Single(client.Nodes).Name);
    }

    [Fact]
    public async Task Init_sees_offline_nodes_and_reinit_refreshes_the_pool()
    {
        await using var pve = await SimulatedPve.StartAsync();
        var client = pve.Client();
        await client.InitializeAsync();

        pve.Cluster.SetNodeOnline("pve2", false);
        pve.Cluster.AddNode("pve3", "127.0.0.1");
        await client.InitializeAsync();

        Assert.Equal("pve1, pve2, pve3", client.Nodes.AvailableNodeNames);
        Assert.False(client.Nodes.Get("pve2").Online);
        var nodes = await client.GetNodesAsync();
        Assert.Equal("offline", Assert.Single(nodes, n => n.Node == "pve2").Status);
    }

    [Theory]
    [InlineData(PveVersionMode.Pve7)]
    [InlineData(PveVersionMode.Pve8)]
    [InlineData(PveVersionMode.Pve9)]
    public async Task Every_version_mode_decodes_and_yields_addresses(PveVersionMode mode)
    {
        await using var pve = await SimulatedPve.StartAsync(new SimulatorOptions { Version = mode, TaskDuration = TimeSpan.FromMilliseconds(50) });
        var client = pve.Client();

        var info = await client.InitializeAsync();
        var containers = await client.GetContainersAsync("pve1");
        var status = await client.GetContainerStatusAsync("pve1", SimulatedPve.RunningDhcp);
        var dhcp = await client.GetContainerAddressesAsync("pve1", SimulatedPve.RunningDhcp);
        var stat = await client.GetContainerAddressesAsync("pve2", SimulatedPve.RunningStatic);
        var missing = await Assert.ThrowsAsync<PveApiException>(() => client.GetContainerStatusAsync("pve1", 999));

        var major = mode switch { PveVersionMode.Pve7 => 7, PveVersionMode.Pve8 => 8, _ => 9 };
        Assert.Equal(major, info.Version.Major);
        Assert.Matches(mode == PveVersionMode.Pve7 ? @"^7\.4-\d+$" : @"^\d+\.\d+\.\d+$", info.Version.Version);
        Assert.Equal(mode == PveVersionMode.Pve7 ? 8 : 16, info.Version.RepoId.Length);
        Assert.Equal([100, 101, 103], containers.Select(c => c.Vmid).Order());
        Assert.True(status.IsRunning);
        Assert.Equal(SimulatedPve.RunningDhcp, status.Vmid);
        Assert.Equal(PveErrorKind.NotFound, missing.Kind);
        Assert.Contains(IPAddress.Parse("10.1.1.3"), stat.Addresses);
        Assert.Contains(IPAddress.Parse("2001:db8::3"), stat.Addresses);
        if (mode == PveVersionMode.Pve7)
        {
            // No /interfaces before 8.1: static addresses come from the config, DHCP ones cannot be known.
            Assert.Equal(PveAddressSource.None, dhcp.Source);
            Assert.Equal(PveAddressSource.Config, stat.Source);
            Assert.Null(missing.ServerMessage);
            var notImplemented = await Assert.ThrowsAsync<PveApiException>(() => client.GetContainerInterfacesAsync("pve1", SimulatedPve.RunningDhcp));
            Assert.Equal(501, notImplemented.StatusCode);
            Assert.Equal(PveErrorKind.Other, notImplemented.Kind);
        }
        else
        {
            Assert.Equal(PveAddressSource.Interfaces, dhcp.Source);
            Assert.Equal([IPAddress.Parse("192.168.3.95")], dhcp.Addresses.Where(a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork));
            Assert.Equal(PveAddressSource.Interfaces, stat.Source);
            Assert.NotNull(missing.ServerMessage);
        }
    }

    [Theory]
    [InlineData(PveVersionMode.Pve7, "invalid token value!")]
    [InlineData(PveVersionMode.Pve9, "Authentication failed!")]
    public async Task Bad_secret_is_unauthorized_in_every_version(PveVersionMode mode, string reason)
    {
        await using var pve = await SimulatedPve.StartAsync(new SimulatorOptions { Version = mode });
        var client = pve.Client(s => s with { Secret = new PveSecret("00000000-0000-0000-0000-000000000000") });

        var failure = await Assert.ThrowsAsync<PveApiException>(() => client.InitializeAsync());

        Assert.Equal(PveErrorKind.Unauthorized, failure.Kind);
        Assert.Equal(reason, failure.ReasonPhrase);
        Assert.Equal($"failed to fetch proxmox cluster info: GET /version: 401 {reason}", failure.Message);
    }

    [Fact]
    public async Task Default_tls_verification_rejects_the_self_signed_simulator_without_retrying()
    {
        await using var pve = await SimulatedPve.StartAsync();
        var client = pve.Client(s => s with { Tls = new PveTlsSettings(), MaxRetries = 5 });

        var failure = await Assert.ThrowsAsync<PveApiException>(() => client.InitializeAsync());

        Assert.Equal(PveErrorKind.TlsError, failure.Kind);
        Assert.StartsWith("failed to fetch proxmox cluster info: GET /version: TLS certificate validation failed", failure.Message);
        Assert.Contains(pve.Server.CertificateFingerprint, failure.Message);
        Assert.Equal(0, pve.Server.Counters.Total);
        Assert.DoesNotContain(pve.Log.Lines, line => line.Contains("retry", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_ca_bundle_holding_the_simulator_certificate_is_trusted()
    {
        await using var pve = await SimulatedPve.StartAsync();
        var client = pve.Client(s => s with { Tls = new PveTlsSettings { CaBundlePem = pve.Server.CertificatePem } });

        Assert.Equal("homelab", (await client.InitializeAsync()).Name);
    }

    [Fact]
    public async Task A_ca_bundle_of_another_ca_is_not()
    {
        await using var pve = await SimulatedPve.StartAsync();
        using var other = PveCertificateFingerprintTests.SelfSigned("CN=Other CA");
        var client = pve.Client(s => s with { Tls = new PveTlsSettings { CaBundlePem = other.ExportCertificatePem() } });

        var failure = await Assert.ThrowsAsync<PveApiException>(() => client.GetVersionAsync());

        Assert.Equal(PveErrorKind.TlsError, failure.Kind);
        Assert.Contains("CA bundle", failure.Message);
    }

    [Fact]
    public async Task A_matching_pin_is_trusted_whatever_its_spelling()
    {
        await using var pve = await SimulatedPve.StartAsync();
        var spelledDifferently = pve.Server.CertificateFingerprint.Replace(":", "", StringComparison.Ordinal).ToLowerInvariant();
        var client = pve.Client(s => s with { Tls = new PveTlsSettings { PinnedFingerprint = PveCertificateFingerprint.Parse(spelledDifferently) } });

        Assert.Equal("homelab", (await client.InitializeAsync()).Name);
    }

    [Fact]
    public async Task A_wrong_pin_is_rejected()
    {
        await using var pve = await SimulatedPve.StartAsync();
        using var other = PveCertificateFingerprintTests.SelfSigned();
        var client = pve.Client(s => s with { Tls = new PveTlsSettings { PinnedFingerprint = PveCertificateFingerprint.Of(other) } });

        var failure = await Assert.ThrowsAsync<PveApiException>(() => client.GetVersionAsync());

        Assert.Equal(PveErrorKind.TlsError, failure.Kind);
        Assert.Contains("pinned fingerprint", failure.Message);
        Assert.Contains(pve.Server.CertificateFingerprint, failure.Message);
    }

    [Fact]
    public async Task Insecure_mode_accepts_the_simulator()
    {
        await using var pve = await SimulatedPve.StartAsync();
        var client = pve.Client(s => s with { Tls = new PveTlsSettings { InsecureSkipVerify = true } });

        Assert.Equal("homelab", (await client.InitializeAsync()).Name);
    }
}
