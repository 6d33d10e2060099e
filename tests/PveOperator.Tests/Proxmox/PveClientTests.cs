using System.Net;
using System.Net.Http;
using Microsoft.Extensions.Logging;
using PveOperator.Proxmox;

namespace PveOperator.Tests.Proxmox;

/// <summary>The client against an in-memory handler: URLs, headers, retries, timeouts, caps, fallbacks.</summary>
public sealed class PveClientTests
{
    private const string Secret = "5f1d2c3b-aaaa-bbbb-cccc-0123456789ab";
    private const string StartUpid = "UPID:pve2:000A1B2C:00ABCDEF:65F1A2B3:vzstart:100:operator@pve!k8s:";

    [Fact]
    public async Task Sends_the_token_header_to_api2_json()
    {
        var handler = new StubPveHandler(_ => StubPveHandler.Json("""{"data":{"version":"9.1.6","release":"9.1","repoid":"0123456789abcdef"}}"""));
        using var client = Client(handler);

        var version = await client.GetVersionAsync();

        Assert.Equal("9.1.6", version.Version);
        var request = Assert.Single(handler.Requests);
        Assert.Equal("https://pve.example:8006/api2/json/version", request.Url);
        Assert.Equal($"PVEAPIToken=operator@pve!k8s={Secret}", request.Authorization);
    }

    [Fact]
    public async Task Cluster_resources_ask_for_guests_and_keep_containers()
    {
        var handler = new StubPveHandler(_ => StubPveHandler.Json("""
            {"data":[{"id":"qemu/100","type":"qemu","vmid":100,"node":"a","status":"running"},
                     {"id":"lxc/101","type":"lxc","vmid":101,"node":"b","status":"stopped","hastate":"stopped","lock":"backup"}]}
            """));
        using var client = Client(handler);

        var resources = await client.GetClusterResourcesAsync();

        var container = Assert.Single(resources);
        Assert.Equal(101, container.Vmid);
        Assert.Equal("b", container.Node);
        Assert.Equal("https://pve.example:8006/api2/json/cluster/resources?type=vm", Assert.Single(handler.Requests).Url);
    }

    [Fact]
    public async Task Power_actions_post_forms_and_return_parsed_upids()
    {
        var handler = new StubPveHandler(_ => StubPveHandler.Json($$"""{"data":"{{StartUpid}}"}"""));
        using var client = Client(handler);

        var start = await client.StartContainerAsync("pve2", 100);
        await client.StopContainerAsync("pve2", 100);
        await client.ShutdownContainerAsync("pve2", 100, timeoutSeconds: 30, forceStop: true);
        await client.ShutdownContainerAsync("pve2", 100);
        await client.RebootContainerAsync("pve2", 100, timeoutSeconds: 15);

        Assert.Equal("pve2", start.Node);
        Assert.Equal("vzstart", start.Type);
        Assert.Equal(StartUpid, start.Raw);
        Assert.Equal(
            [
                ("POST", "/api2/json/nodes/pve2/lxc/100/status/start", ""),
                ("POST", "/api2/json/nodes/pve2/lxc/100/status/stop", ""),
                ("POST", "/api2/json/nodes/pve2/lxc/100/status/shutdown", "timeout=30&forceStop=1"),
                ("POST", "/api2/json/nodes/pve2/lxc/100/status/shutdown", ""),
                ("POST", "/api2/json/nodes/pve2/lxc/100/status/reboot", "timeout=15"),
            ],
            handler.Requests.Select(r => (r.Method, r.Path, r.Body)));
    }

    [Fact]
    public async Task Task_status_is_asked_on_the_node_named_in_the_upid()
    {
        var handler = new StubPveHandler(_ => StubPveHandler.Json(
            """{"data":{"upid":"THE_UPID","node":"pve2","status":"stopped","exitstatus":"WARNINGS: 2","type":"vzstart","id":"100","user":"operator@pve","tokenid":"k8s"}}"""
                .Replace("THE_UPID", StartUpid, StringComparison.Ordinal)));
        using var client = Client(handler);

        var status = await client.GetTaskStatusAsync(Upid.Parse(StartUpid));

        Assert.Equal(PveTaskState.Succeeded, status.State);
        Assert.Equal(2, status.Warnings);
        var request = Assert.Single(handler.Requests);
        Assert.Equal("/api2/json/nodes/pve2/tasks/UPID%3Apve2%3A000A1B2C%3A00ABCDEF%3A65F1A2B3%3Avzstart%3A100%3Aoperator%40pve%21k8s%3A/status",
            request.Path);
        Assert.Equal(StartUpid, Uri.UnescapeDataString(request.Path.Split('/')[6]));
    }

    [Fact]
    public async Task Reads_are_retried_on_transient_errors()
    {
        var handler = new StubPveHandler((_, call) => Task.FromResult(call < 3
            ? StubPveHandler.Error(596, "Connection timed out", "")
            : StubPveHandler.Json("""{"data":{"vmid":100,"status":"running","ha":{"managed":0}}}""")));
        using var client = Client(handler);

        var status = await client.GetContainerStatusAsync("pve", 100);

        Assert.True(status.IsRunning);
        Assert.Equal(3, handler.Requests.Count);
    }

    [Fact]
    public async Task Reads_give_up_after_the_configured_retries()
    {
        var handler = new StubPveHandler(_ => StubPveHandler.Error(595, "Connection refused", ""));
        using var client = Client(handler, s => s with { MaxRetries = 2 });

        var failure = await Assert.ThrowsAsync<PveApiException>(() => client.GetContainersAsync("pve"));

        Assert.Equal(PveErrorKind.Transient, failure.Kind);
        Assert.Equal(595, failure.StatusCode);
        Assert.Equal(3, handler.Requests.Count);
    }

    [Theory]
    [InlineData(401, "Authentication failed!", PveErrorKind.Unauthorized)]
    [InlineData(403, "Permission check failed (/vms/100, VM.Audit)", PveErrorKind.Forbidden)]
    [InlineData(500, "Configuration file 'nodes/pve/lxc/100.conf' does not exist", PveErrorKind.NotFound)]
    [InlineData(400, "Parameter verification failed.", PveErrorKind.Validation)]
    [InlineData(501, "Method 'GET /nodes/pve/lxc/100/status/current' not implemented", PveErrorKind.Other)]
    public async Task Reads_are_not_retried_on_permanent_errors(int status, string reason, PveErrorKind kind)
    {
        var handler = new StubPveHandler(_ => StubPveHandler.Error(status, reason));
        using var client = Client(handler);

        var failure = await Assert.ThrowsAsync<PveApiException>(() => client.GetContainerStatusAsync("pve", 100));

        Assert.Equal(kind, failure.Kind);
        Assert.Single(handler.Requests);
    }

    [Fact]
    public async Task Power_actions_are_never_retried()
    {
        var handler = new StubPveHandler(_ => StubPveHandler.Error(596, "Connection timed out", ""));
        using var client = Client(handler);

        var failure = await Assert.ThrowsAsync<PveApiException>(() => client.StartContainerAsync("pve", 100));

        Assert.Equal(PveErrorKind.Transient, failure.Kind);
        Assert.True(failure.OutcomeUnknown);
        Assert.Single(handler.Requests);
    }

    [Fact]
    public async Task Already_running_is_its_own_kind_with_a_known_outcome()
    {
        var handler = new StubPveHandler(_ => StubPveHandler.Error(500, "CT 100 already running",
            """{"data":null,"message":"CT 100 already running\n"}"""));
        using var client = Client(handler);

        var failure = await Assert.ThrowsAsync<PveApiException>(() => client.StartContainerAsync("pve", 100));

        Assert.Equal(PveErrorKind.AlreadyInState, failure.Kind);
        Assert.False(failure.OutcomeUnknown);
        Assert.Equal("POST /nodes/pve/lxc/100/status/start: 500 CT 100 already running", failure.Message);
    }

    [Fact]
    public async Task A_power_action_without_answer_in_time_has_an_unknown_outcome_and_is_sent_once()
    {
        var handler = new StubPveHandler(async (_, _) =>
        {
            await Task.Delay(TimeSpan.FromSeconds(5));
            return StubPveHandler.Json($$"""{"data":"{{StartUpid}}"}""");
        });
        using var client = Client(handler, s => s with { RequestTimeout = TimeSpan.FromMilliseconds(100) });

        var failure = await Assert.ThrowsAsync<PveApiException>(() => client.ShutdownContainerAsync("pve", 100));

        Assert.Equal(PveErrorKind.Transient, failure.Kind);
        Assert.True(failure.IsTimeout);
        Assert.True(failure.OutcomeUnknown);
        Assert.Single(handler.Requests);
    }

    [Fact]
    public async Task A_read_without_answer_in_time_is_retried()
    {
        var handler = new StubPveHandler(async (_, call) =>
        {
            if (call == 1)
            {
                await Task.Delay(TimeSpan.FromSeconds(5));
            }
            return StubPveHandler.Json("""{"data":[]}""");
        });
        using var client = Client(handler, s => s with { RequestTimeout = TimeSpan.FromMilliseconds(100) });

        Assert.Empty(await client.GetContainersAsync("pve"));
        Assert.Equal(2, handler.Requests.Count);
    }

    [Fact]
    public async Task Connection_failures_are_transient_and_a_write_that_never_connected_has_a_known_outcome()
    {
        var handler = new StubPveHandler((_, _) =>
            Task.FromException<HttpResponseMessage>(new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused (pve.example:8006)")));
        using var client = Client(handler, s => s with { MaxRetries = 1 });

        var read = await Assert.ThrowsAsync<PveApiException>(() => client.GetVersionAsync());
        var write = await Assert.ThrowsAsync<PveApiException>(() => client.StartContainerAsync("pve", 100));

        Assert.Equal(PveErrorKind.Transient, read.Kind);
        Assert.Contains("connection failed (Connection refused", read.Message);
        Assert.IsType<HttpRequestException>(read.InnerException);
        Assert.Equal(PveErrorKind.Transient, write.Kind);
        Assert.False(write.OutcomeUnknown);
        Assert.Equal(3, handler.Requests.Count);
    }

    [Fact]
    public async Task A_write_whose_answer_was_lost_has_an_unknown_outcome()
    {
        var handler = new StubPveHandler((_, _) =>
            Task.FromException<HttpResponseMessage>(new HttpRequestException(HttpRequestError.ResponseEnded, "The response ended prematurely.")));
        using var client = Client(handler);

        var failure = await Assert.ThrowsAsync<PveApiException>(() => client.StopContainerAsync("pve", 100));

        Assert.True(failure.OutcomeUnknown);
        Assert.Single(handler.Requests);
    }

    [Fact]
    public async Task Caller_cancellation_is_a_cancellation_not_an_api_error()
    {
        var handler = new StubPveHandler(async (_, _) =>
        {
            await Task.Delay(TimeSpan.FromSeconds(5));
            return StubPveHandler.Json("{\"data\":[]}");
        });
        using var client = Client(handler);
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(50));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.GetContainersAsync("pve", cancellation.Token));
    }

    [Fact]
    public async Task Unreadable_answers_are_errors_of_kind_other()
    {
        var handler = new StubPveHandler(request => request.Method == HttpMethod.Get
            ? StubPveHandler.Json("<html>proxy login</html>")
            : StubPveHandler.Json("""{"data":"OK"}"""));
        using var client = Client(handler);

        var read = await Assert.ThrowsAsync<PveApiException>(() => client.GetNodesAsync());
        var write = await Assert.ThrowsAsync<PveApiException>(() => client.StartContainerAsync("pve", 100));

        Assert.Equal(PveErrorKind.Other, read.Kind);
        Assert.Contains("unreadable answer", read.Message);
        Assert.Equal(PveErrorKind.Other, write.Kind);
        Assert.True(write.OutcomeUnknown);
        Assert.Single(handler.Requests, r => r.Method == "GET");
    }

    [Fact]
    public async Task Missing_data_is_an_error_of_kind_other()
    {
        var handler = new StubPveHandler(_ => StubPveHandler.Json("{\"data\":null}"));
        using var client = Client(handler);

        Assert.Equal(PveErrorKind.Other, (await Assert.ThrowsAsync<PveApiException>(() => client.GetVersionAsync())).Kind);
        Assert.Null(await client.GetContainerInterfacesAsync("pve", 100));
    }

    [Fact]
    public async Task Arguments_are_checked_before_anything_is_sent()
    {
        var handler = new StubPveHandler(_ => StubPveHandler.Json("{\"data\":null}"));
        using var client = Client(handler);

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => client.StartContainerAsync("pve", 99));
        await Assert.ThrowsAsync<ArgumentException>(() => client.GetContainerStatusAsync(" ", 100));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => client.ShutdownContainerAsync("pve", 100, timeoutSeconds: -1));
        Assert.Empty(handler.Requests);
    }

    [Fact]
    public async Task Init_discovers_a_cluster_and_fills_the_pool()
    {
        var handler = new StubPveHandler(request => request.RequestUri!.AbsolutePath.EndsWith("/version", StringComparison.Ordinal)
            ? StubPveHandler.Json(PveFixtures.Read("nodes-node-version_pve-7.4-16.json"))
            : StubPveHandler.Json(PveFixtures.Read("cluster-status_cluster-4nodes_pve-7.4-or-8.0.json")));
        using var client = Client(handler);

        var info = await client.InitializeAsync();

        Assert.Equal("clustername", info.Name);
        Assert.False(info.IsStandalone);
        Assert.Equal("7.4-16", info.Version.Version);
        Assert.Same(info, client.ClusterInfo);
        Assert.Equal("node1, node2, node3, node4", client.Nodes.AvailableNodeNames);
        Assert.Equal("proxmox node nodeX not found (available: node1, node2, node3, node4)",
            Assert.Throws<PveNodeNotFoundException>(() => client.Nodes.Get("nodeX")).Message);
    }

    [Fact]
    public async Task Init_that_hangs_fails_with_the_timeout_text_within_the_init_budget()
    {
        var handler = new StubPveHandler(async (_, _) =>
        {
            await Task.Delay(TimeSpan.FromSeconds(10));
            return StubPveHandler.Json("{\"data\":null}");
        });
        using var client = Client(handler, s => s with { InitTimeout = TimeSpan.FromMilliseconds(200), RequestTimeout = TimeSpan.FromSeconds(5) });
        var started = DateTime.UtcNow;

        var failure = await Assert.ThrowsAsync<PveApiException>(() => client.InitializeAsync());

        Assert.Equal("timeout fetching proxmox cluster info", failure.Message);
        Assert.Equal(PveErrorKind.Transient, failure.Kind);
        Assert.True(failure.IsTimeout);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(3));
        Assert.Null(client.ClusterInfo);
    }

    [Fact]
    public async Task Init_with_per_request_timeouts_also_says_timeout()
    {
        var handler = new StubPveHandler(async (_, _) =>
        {
            await Task.Delay(TimeSpan.FromSeconds(10));
            return StubPveHandler.Json("{\"data\":null}");
        });
        using var client = Client(handler, s => s with { InitTimeout = TimeSpan.FromSeconds(2), RequestTimeout = TimeSpan.FromMilliseconds(50), MaxRetries = 0 });

        var failure = await Assert.ThrowsAsync<PveApiException>(() => client.InitializeAsync());

        Assert.Equal("timeout fetching proxmox cluster info", failure.Message);
        Assert.IsType<PveApiException>(failure.InnerException);
    }

    [Fact]
    public async Task Init_failure_keeps_the_kind_and_wraps_the_cause()
    {
        var handler = new StubPveHandler(_ => StubPveHandler.Error(401, "Authentication failed!", ""));
        using var client = Client(handler);

        var failure = await Assert.ThrowsAsync<PveApiException>(() => client.InitializeAsync());

        Assert.Equal("failed to fetch proxmox cluster info: GET /version: 401 Authentication failed!", failure.Message);
        Assert.Equal(PveErrorKind.Unauthorized, failure.Kind);
        Assert.Equal(401, failure.StatusCode);
        Assert.Equal(PveErrorKind.Unauthorized, Assert.IsType<PveApiException>(failure.InnerException).Kind);
    }

    [Fact]
    public async Task Addresses_come_from_interfaces_for_a_running_container()
    {
        var handler = Routes(new()
        {
            ["/interfaces"] = () => StubPveHandler.Json(PveFixtures.Read("nodes-node-lxc-vmid-interfaces_legacy-shape_pve-8.1-8.3.json")),
        });
        using var client = Client(handler);

        var addresses = await client.GetContainerAddressesAsync("pve", 100);

        Assert.Equal(PveAddressSource.Interfaces, addresses.Source);
        Assert.Equal([IPAddress.Parse("192.168.3.95")], addresses.Addresses);
        Assert.Equal(0, handler.Count("GET", "/config"));
    }

    [Fact]
    public async Task Addresses_of_a_stopped_container_come_from_its_config()
    {
        var handler = Routes(new()
        {
            ["/interfaces"] = () => StubPveHandler.Json("{\"data\":null}"),
            ["/config"] = () => StubPveHandler.Json(PveFixtures.Read("nodes-node-lxc-vmid-config_static-ip_pve-6.2.json")),
        });
        using var client = Client(handler);

        var addresses = await client.GetContainerAddressesAsync("pve", 100);

        Assert.Equal(PveAddressSource.Config, addresses.Source);
        Assert.Equal([IPAddress.Parse("10.1.1.3")], addresses.Addresses);
    }

    [Fact]
    public async Task On_pve7_interfaces_answer_501_once_then_only_the_config_is_read()
    {
        var handler = Routes(new()
        {
            ["/interfaces"] = () => StubPveHandler.Error(501, "Method 'GET /nodes/pve/lxc/100/interfaces' not implemented"),
            ["/config"] = () => StubPveHandler.Json(PveFixtures.Read("nodes-node-lxc-vmid-config_static-ip_pve-6.2.json")),
        });
        using var client = Client(handler);

        var first = await client.GetContainerAddressesAsync("pve", 100);
        var second = await client.GetContainerAddressesAsync("pve", 100);

        Assert.Equal(PveAddressSource.Config, first.Source);
        Assert.Equal(first.Addresses, second.Addresses);
        Assert.Equal(1, handler.Count("GET", "/interfaces"));
        Assert.Equal(2, handler.Count("GET", "/config"));
    }

    [Fact]
    public async Task Running_without_usable_live_address_falls_back_to_the_config_and_dhcp_gives_none()
    {
        var handler = Routes(new()
        {
            ["/interfaces"] = () => StubPveHandler.Json("""{"data":[{"name":"lo","inet":"127.0.0.1/8"},{"name":"eth0","inet6":"fe80::1/64"}]}"""),
            ["/config"] = () => StubPveHandler.Json("""{"data":{"net0":"name=eth0,bridge=vmbr0,ip=dhcp,ip6=auto"}}"""),
        });
        using var client = Client(handler);

        var addresses = await client.GetContainerAddressesAsync("pve", 100);

        Assert.Equal(PveAddressSource.None, addresses.Source);
        Assert.Empty(addresses.Addresses);
    }

    [Fact]
    public async Task A_missing_container_is_not_found_even_through_the_fallback()
    {
        var handler = new StubPveHandler(_ => StubPveHandler.Error(500, "Configuration file 'nodes/pve/lxc/100.conf' does not exist"));
        using var client = Client(handler);

        var failure = await Assert.ThrowsAsync<PveApiException>(() => client.GetContainerAddressesAsync("pve", 100));

        Assert.Equal(PveErrorKind.NotFound, failure.Kind);
        Assert.EndsWith("/config", failure.Path);
    }

    [Fact]
    public async Task In_flight_requests_are_capped_per_node_and_cluster_wide()
    {
        var inFlight = new Dictionary<string, int>();
        var maxInFlight = new Dictionary<string, int>();
        var gate = new Lock();
        var handler = new StubPveHandler(async (request, _) =>
        {
            var segments = request.RequestUri!.AbsolutePath.Split('/');
            var key = segments[3] == "nodes" && segments.Length > 5 ? segments[4] : "cluster";
            lock (gate)
            {
                inFlight[key] = inFlight.GetValueOrDefault(key) + 1;
                maxInFlight[key] = Math.Max(maxInFlight.GetValueOrDefault(key), inFlight[key]);
            }
            await Task.Delay(10);
            lock (gate)
            {
                inFlight[key]--;
            }
            return StubPveHandler.Json("{\"data\":[]}");
        });
        using var client = Client(handler);

        await Task.WhenAll(Enumerable.Range(0, 8).SelectMany(_ => new Task[]
        {
            client.GetContainersAsync("a"),
            client.GetContainersAsync("b"),
            client.GetNodesAsync(),
        }));

        Assert.Equal(2, maxInFlight["a"]);
        Assert.Equal(2, maxInFlight["b"]);
        Assert.Equal(2, maxInFlight["cluster"]);
        Assert.True(handler.MaxInFlight <= 6);
    }

    [Fact]
    public async Task The_secret_never_shows_in_logs_or_exception_texts()
    {
        var logger = new CapturingLogger();
        var answers = new Queue<Func<HttpResponseMessage>>(
        [
            () => StubPveHandler.Error(401, "Authentication failed!", ""),
            () => StubPveHandler.Error(403, "Permission check failed (/vms/100, VM.PowerMgmt)", """{"data":null,"message":"Permission check failed (/vms/100, VM.PowerMgmt)\n"}"""),
            () => throw new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused"),
            () => StubPveHandler.Error(596, "Connection timed out", ""),
        ]);
        var handler = new StubPveHandler(_ => answers.Dequeue()());
        using var client = new PveClient(PveClientSettingsTests.Settings() with { MaxRetries = 0, RetryBaseDelay = TimeSpan.Zero }, logger, handler);
        var failures = new List<Exception>
        {
            await Assert.ThrowsAsync<PveApiException>(() => client.InitializeAsync()),
            await Assert.ThrowsAsync<PveApiException>(() => client.StartContainerAsync("pve", 100)),
            await Assert.ThrowsAsync<PveApiException>(() => client.GetVersionAsync()),
            await Assert.ThrowsAsync<PveApiException>(() => client.GetVersionAsync()),
        };

        Assert.NotEmpty(logger.Lines);
        Assert.All(logger.Lines, line => Assert.DoesNotContain(Secret, line));
        Assert.All(logger.Lines, line => Assert.DoesNotContain("PVEAPIToken", line));
        Assert.All(failures, failure => Assert.DoesNotContain(Secret, failure.ToString()));
        Assert.Contains(logger.Lines, line => line.Contains("/status/start", StringComparison.Ordinal) && line.Contains("403", StringComparison.Ordinal));
    }

    private static PveClient Client(StubPveHandler handler, Func<PveClientSettings, PveClientSettings>? adjust = null)
    {
        var settings = PveClientSettingsTests.Settings() with
        {
            RetryBaseDelay = TimeSpan.FromMilliseconds(1),
            RetryMaxDelay = TimeSpan.FromMilliseconds(5),
            RequestTimeout = TimeSpan.FromSeconds(2),
        };
        return new PveClient(adjust is null ? settings : adjust(settings), new CapturingLogger(), handler);
    }

    /// <summary>Answers by path suffix; anything else is a 500 that would fail the test loudly.</summary>
    private static StubPveHandler Routes(Dictionary<string, Func<HttpResponseMessage>> routes) =>
        new(request => routes.FirstOrDefault(r => request.RequestUri!.AbsolutePath.EndsWith(r.Key, StringComparison.Ordinal)).Value?.Invoke()
            ?? StubPveHandler.Error(599, "unexpected request in test"));
}
