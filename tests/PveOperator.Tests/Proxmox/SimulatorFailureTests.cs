using PveOperator.Proxmox;
using PveSimulator;

namespace PveOperator.Tests.Proxmox;

/// <summary>Every error class, fault injection, the in-flight cap and secret hygiene, against the simulator.</summary>
[Collection(SimulatorClientCollection.Name)]
public sealed class SimulatorFailureTests
{
    private const string LimitedTokenId = "operator@pve!audit";
    private const string LimitedSecret = "6a0f3c1e-1111-2222-3333-444455556666";

    [Fact]
    public async Task Missing_privilege_is_forbidden_with_path_and_privilege()
    {
        await using var pve = await SimulatedPve.StartAsync();
        pve.Cluster.AddToken(LimitedTokenId, LimitedSecret, "VM.Audit", "Sys.Audit");
        var client = pve.Client(Limited);
        await client.InitializeAsync();

        var failure = await Assert.ThrowsAsync<PveApiException>(() => client.StartContainerAsync("pve1", SimulatedPve.StoppedStatic));

        Assert.Equal(PveErrorKind.Forbidden, failure.Kind);
        Assert.Equal("/vms/101", failure.PermissionPath);
        Assert.Equal("VM.PowerMgmt", failure.Privilege);
        Assert.False(failure.OutcomeUnknown);
        Assert.Equal(1, pve.Server.Counters.PowerActions(SimulatedPve.StoppedStatic, "start"));
    }

    [Fact]
    public async Task Init_without_sys_audit_is_forbidden_on_cluster_status()
    {
        await using var pve = await SimulatedPve.StartAsync();
        pve.Cluster.AddToken(LimitedTokenId, LimitedSecret, "VM.Audit");
        var client = pve.Client(Limited);

        var failure = await Assert.ThrowsAsync<PveApiException>(() => client.InitializeAsync());

        Assert.Equal(PveErrorKind.Forbidden, failure.Kind);
        Assert.Equal("Sys.Audit", failure.Privilege);
        Assert.StartsWith("failed to fetch proxmox cluster info: GET /cluster/status: 403 Permission check failed (/, Sys.Audit)", failure.Message);
    }

    [Fact]
    public async Task Missing_container_and_node_are_not_found_and_an_unknown_task_is_marked()
    {
        await using var pve = await SimulatedPve.StartAsync();
        var client = pve.Client();
        var unknownTask = Upid.Parse("UPID:pve1:00001234:01234567:65F1A2B3:vzstart:100:root@pam!sim:");

        var container = await Assert.ThrowsAsync<PveApiException>(() => client.GetContainerConfigAsync("pve1", 999));
        var task = await Assert.ThrowsAsync<PveApiException>(() => client.GetTaskStatusAsync(unknownTask));
        var node = await Assert.ThrowsAsync<PveApiException>(() => client.GetContainersAsync("nosuch"));

        Assert.Equal(PveErrorKind.NotFound, container.Kind);
        Assert.Contains("does not exist", container.ReasonPhrase);
        Assert.Equal(PveErrorKind.Validation, task.Kind);
        Assert.True(task.IsUnknownTask);
        Assert.Equal(PveErrorKind.NotFound, node.Kind);
    }

    [Fact]
    public async Task Actions_already_done_are_already_in_state()
    {
        await using var pve = await SimulatedPve.StartAsync();
        var client = pve.Client();

        var start = await Assert.ThrowsAsync<PveApiException>(() => client.StartContainerAsync("pve1", SimulatedPve.RunningDhcp));
        var stop = await Assert.ThrowsAsync<PveApiException>(() => client.StopContainerAsync("pve1", SimulatedPve.StoppedStatic));
        var reboot = await Assert.ThrowsAsync<PveApiException>(() => client.RebootContainerAsync("pve1", SimulatedPve.StoppedStatic));

        Assert.Equal(PveErrorKind.AlreadyInState, start.Kind);
        Assert.Equal("CT 100 already running", start.ReasonPhrase);
        Assert.Equal(PveErrorKind.AlreadyInState, stop.Kind);
        Assert.Equal(PveErrorKind.AlreadyInState, reboot.Kind);
        Assert.False(start.OutcomeUnknown);
    }

    [Fact]
    public async Task A_lock_error_answered_synchronously_is_locked()
    {
        await using var pve = await SimulatedPve.StartAsync();
        pve.Server.Faults.SetErrorRate("POST", "/nodes/{node}/lxc/{vmid}/status/start", 1.0, 500, "CT is locked (migrate)");
        var client = pve.Client();

        var failure = await Assert.ThrowsAsync<PveApiException>(() => client.StartContainerAsync("pve1", SimulatedPve.StoppedStatic));

        Assert.Equal(PveErrorKind.Locked, failure.Kind);
    }

    [Fact]
    public async Task Bad_parameters_are_a_validation_error_with_field_errors()
    {
        await using var pve = await SimulatedPve.StartAsync();
        using var transport = new PveApiTransport(pve.Settings(), pve.Log);

        var failure = await Assert.ThrowsAsync<PveApiException>(() =>
            transport.SendAsync<PveContainerStatus>(PveApiRequest.Get("nodes", "pve1", "lxc", "abc", "status", "current"), default));

        Assert.Equal(PveErrorKind.Validation, failure.Kind);
        Assert.Equal(400, failure.StatusCode);
        Assert.Contains("vmid", failure.FieldErrors.Keys);
    }

    [Fact]
    public async Task Offline_nodes_and_persistent_proxy_errors_are_transient_after_bounded_retries()
    {
        await using var pve = await SimulatedPve.StartAsync();
        pve.Cluster.SetNodeOnline("pve2", false);
        pve.Server.Faults.SetErrorRate("GET", "/nodes/{node}/lxc/{vmid}/status/current", 1.0, 596);
        var client = pve.Client(s => s with { MaxRetries = 3 });

        var offline = await Assert.ThrowsAsync<PveApiException>(() => client.GetContainersAsync("pve2"));
        var proxy = await Assert.ThrowsAsync<PveApiException>(() => client.GetContainerStatusAsync("pve1", SimulatedPve.RunningDhcp));

        Assert.Equal((PveErrorKind.Transient, 595), (offline.Kind, offline.StatusCode));
        Assert.Equal((PveErrorKind.Transient, 596), (proxy.Kind, proxy.StatusCode));
        Assert.Equal(4, pve.Server.Counters.Get("GET /nodes/{node}/lxc"));
        Assert.Equal(4, pve.Server.Counters.Get("GET /nodes/{node}/lxc/{vmid}/status/current"));
    }

    [Fact]
    public async Task With_30_percent_of_reads_failing_reads_succeed_and_no_power_action_is_sent_twice()
    {
        await using var pve = await SimulatedPve.StartAsync();
        pve.Server.Faults.UseSeed(20240601);
        pve.Server.Faults.SetErrorRate("GET", null, 0.3, 596);
        var client = pve.Client(s => s with { MaxRetries = 10 });

        await client.InitializeAsync();
        for (var round = 0; round < 10; round++)
        {
            Assert.Equal(4, (await client.GetClusterResourcesAsync()).Count);
            Assert.True((await client.GetContainerStatusAsync("pve1", SimulatedPve.RunningDhcp)).IsRunning);
            Assert.NotEmpty((await client.GetContainerAddressesAsync("pve2", SimulatedPve.RunningStatic)).Addresses);
            Assert.Equal(3, (await client.GetContainersAsync("pve1")).Count);
        }
        var started = await SimulatedPve.WaitAsync(client, await client.StartContainerAsync("pve1", SimulatedPve.StoppedStatic));
        var shutDown = await SimulatedPve.WaitAsync(client, await client.ShutdownContainerAsync("pve2", SimulatedPve.RunningStatic, timeoutSeconds: 10));
        var stopped = await SimulatedPve.WaitAsync(client, await client.StopContainerAsync("pve1", SimulatedPve.RunningDhcp));

        Assert.All([started, shutDown, stopped], s => Assert.Equal(PveTaskState.Succeeded, s.State));
        Assert.Equal(1, pve.Server.Counters.PowerActions(SimulatedPve.StoppedStatic, "start"));
        Assert.Equal(1, pve.Server.Counters.PowerActions(SimulatedPve.RunningStatic, "shutdown"));
        Assert.Equal(1, pve.Server.Counters.PowerActions(SimulatedPve.RunningDhcp, "stop"));
        // The faults did happen: more requests were served than the 10 rounds needed.
        Assert.True(pve.Server.Counters.Get("GET /cluster/resources") > 10);
        Assert.Contains(pve.Log.Lines, line => line.Contains("retry", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_power_action_whose_connection_drops_is_sent_once_with_an_unknown_outcome()
    {
        await using var pve = await SimulatedPve.StartAsync();
        var client = pve.Client();
        // Warm the connection pool first: a dropped request on a reused connection is the case an HTTP stack
        // might silently resend.
        await client.GetVersionAsync();
        await client.GetVersionAsync();
        pve.Server.Faults.DropConnectionRate = 1.0;

        var failure = await Assert.ThrowsAsync<PveApiException>(() => client.StartContainerAsync("pve1", SimulatedPve.StoppedStatic));

        Assert.Equal(PveErrorKind.Transient, failure.Kind);
        Assert.True(failure.OutcomeUnknown);
        Assert.Equal(1, pve.Server.Counters.PowerActions(SimulatedPve.StoppedStatic, "start"));
    }

    [Fact]
    public async Task A_power_action_that_times_out_has_an_unknown_outcome_and_is_sent_once()
    {
        await using var pve = await SimulatedPve.StartAsync();
        var client = pve.Client(s => s with { RequestTimeout = TimeSpan.FromMilliseconds(200) });
        await client.GetVersionAsync();
        pve.Server.Faults.AddedLatency = TimeSpan.FromSeconds(2);

        var failure = await Assert.ThrowsAsync<PveApiException>(() => client.StartContainerAsync("pve1", SimulatedPve.StoppedStatic));

        Assert.True(failure.IsTimeout);
        Assert.True(failure.OutcomeUnknown);
        Assert.Equal(1, pve.Server.Counters.PowerActions(SimulatedPve.StoppedStatic, "start"));
    }

    [Fact]
    public async Task Requests_in_flight_per_node_stay_within_the_cap()
    {
        await using var pve = await SimulatedPve.StartAsync();
        pve.Server.Faults.AddedLatency = TimeSpan.FromMilliseconds(20);
        var client = pve.Client();

        await Task.WhenAll(Enumerable.Range(0, 20).SelectMany(_ => new Task[]
        {
            client.GetContainerStatusAsync("pve1", SimulatedPve.RunningDhcp),
            client.GetContainerConfigAsync("pve1", SimulatedPve.StoppedStatic),
            client.GetContainerStatusAsync("pve2", SimulatedPve.RunningStatic),
            client.GetClusterResourcesAsync(),
        }));

        Assert.Equal(2, pve.Server.Counters.MaxInFlightPerNode("pve1"));
        Assert.Equal(2, pve.Server.Counters.MaxInFlightPerNode("pve2"));
    }

    [Fact]
    public async Task A_higher_cap_shows_in_the_simulator_counters()
    {
        // Control for the test above: the counter does see more than two when the client allows it.
        await using var pve = await SimulatedPve.StartAsync();
        pve.Server.Faults.AddedLatency = TimeSpan.FromMilliseconds(20);
        var client = pve.Client(s => s with { MaxRequestsInFlightPerNode = 6 });

        await Task.WhenAll(Enumerable.Range(0, 30).Select(_ => client.GetContainerStatusAsync("pve1", SimulatedPve.RunningDhcp)));

        Assert.True(pve.Server.Counters.MaxInFlightPerNode("pve1") > 2);
        Assert.True(pve.Server.Counters.MaxInFlightPerNode("pve1") <= 6);
    }

    [Theory]
    [InlineData(PveVersionMode.Pve7)]
    [InlineData(PveVersionMode.Pve9)]
    public async Task Secrets_never_appear_in_trace_logs_or_exceptions_on_auth_failures(PveVersionMode mode)
    {
        await using var pve = await SimulatedPve.StartAsync(new SimulatorOptions { Version = mode });
        pve.Cluster.AddToken(LimitedTokenId, LimitedSecret, "VM.Audit");
        const string wrongSecret = "deadbeef-0000-4000-8000-0123456789ab";
        var unauthorized = pve.Client(s => s with { Secret = new PveSecret(wrongSecret) });
        var forbidden = pve.Client(Limited);
        var failures = new List<Exception>
        {
            await Assert.ThrowsAsync<PveApiException>(() => unauthorized.InitializeAsync()),
            await Assert.ThrowsAsync<PveApiException>(() => unauthorized.StartContainerAsync("pve1", SimulatedPve.StoppedStatic)),
            await Assert.ThrowsAsync<PveApiException>(() => unauthorized.GetContainerAddressesAsync("pve1", SimulatedPve.RunningDhcp)),
            await Assert.ThrowsAsync<PveApiException>(() => forbidden.InitializeAsync()),
            await Assert.ThrowsAsync<PveApiException>(() => forbidden.StartContainerAsync("pve1", SimulatedPve.StoppedStatic)),
        };

        Assert.Equal(
            [PveErrorKind.Unauthorized, PveErrorKind.Unauthorized, PveErrorKind.Unauthorized, PveErrorKind.Forbidden, PveErrorKind.Forbidden],
            failures.Cast<PveApiException>().Select(f => f.Kind));
        Assert.Contains(pve.Log.Lines, line => line.StartsWith("Trace:", StringComparison.Ordinal));
        Assert.Contains(pve.Log.Lines, line => line.Contains("401", StringComparison.Ordinal));
        Assert.Contains(pve.Log.Lines, line => line.Contains("403", StringComparison.Ordinal));
        foreach (var secret in new[] { wrongSecret, LimitedSecret, pve.Server.DefaultTokenSecret })
        {
            Assert.DoesNotContain(pve.Log.Lines, line => line.Contains(secret, StringComparison.Ordinal));
            Assert.All(failures, f => Assert.DoesNotContain(secret, f.ToString()));
        }
        Assert.DoesNotContain(pve.Log.Lines, line => line.Contains("PVEAPIToken", StringComparison.Ordinal));
    }

    private static PveClientSettings Limited(PveClientSettings settings) =>
        settings with { TokenId = PveTokenId.Parse(LimitedTokenId), Secret = new PveSecret(LimitedSecret) };
}
