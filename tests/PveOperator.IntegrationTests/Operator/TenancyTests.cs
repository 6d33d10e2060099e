using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;
using PveOperator.Controllers;
using PveOperator.Entities;
using PveOperator.IntegrationTests.Infrastructure;
using PveSimulator;
using Xunit.Abstractions;

namespace PveOperator.IntegrationTests.Operator;

/// <summary>Issue 12 on the real API server: who may use a provider, whose Secrets are read, password login, privileges.</summary>
[Collection(ControlPlaneCollection.Name)]
public sealed class TenancyTests(ControlPlaneFixture controlPlane, ITestOutputHelper output) : IAsyncLifetime
{
    private const string Password = "pve-p4ss:w=rd";
    // Renewal every 2 s instead of every hour, so a test sees one.
    private static readonly TimeSpan TicketRenewAfter = TimeSpan.FromSeconds(2);

    private OperatorHarness harness = null!;

    public async Task InitializeAsync() =>
        harness = await OperatorHarness.StartAsync(controlPlane, output, configureOptions: o => o with { TicketRenewAfter = TicketRenewAfter });

    public async Task DisposeAsync() => await harness.DisposeAsync();

    private static SimContainer Container(int vmid, bool running) => new()
    {
        Vmid = vmid,
        Node = "pve1",
        Name = $"ct{vmid}",
        Running = running,
        Net = { ["net0"] = $"name=eth0,bridge=vmbr0,hwaddr=BC:24:11:00:{vmid % 100:D2}:01,ip=10.9.0.{vmid % 200}/24,type=veth" },
    };

    private Task LabelNamespaceAsync(string key, string value) =>
        harness.Kube.CoreV1.PatchNamespaceAsync(
            new V1Patch(KubernetesJson.Serialize(new { metadata = new { labels = new Dictionary<string, string> { [key] = value } } }), V1Patch.PatchType.MergePatch), harness.Namespace);

    [Fact]
    public async Task A_container_in_a_namespace_the_provider_does_not_allow_sends_no_request_until_the_namespace_is_labelled()
    {
        var simulator = await harness.StartSimulatorAsync();
        simulator.Cluster.AddContainer(Container(301, running: false));
        var provider = await harness.CreateProviderAsync(simulator, customize: p => p.Spec.AllowedNamespaces = new AllowedNamespaces
        {
            Names = ["ops"],
            Selector = new NamespaceLabelSelector { MatchLabels = new() { ["pve-operator.io/tenant"] = "lab" } },
        });
        await harness.WaitForProviderAsync(provider, "True", Reasons.Connected);
        var name = await harness.CreateContainerAsync(provider, 301);

        var refused = await harness.WaitForContainerAsync(name, "False", Reasons.ProviderNotAllowed);

        Assert.Equal("True", ConditionList.Find(refused.Status.Conditions, ConditionTypes.Stalled)!.Status);
        Assert.Equal(0, simulator.Counters.ContainerRequests(301));
        Assert.Equal(0, simulator.Counters.PowerActions(301, "start"));
        // Nothing the provider knows: no node, state, version or token.
        var status = KubernetesJson.Serialize(refused.Status);
        Assert.Null(refused.Status.Node);
        Assert.Null(refused.Status.State);
        Assert.DoesNotContain("pve1", status, StringComparison.Ordinal);
        Assert.DoesNotContain(PveSimulatorServer.DefaultTokenId, status, StringComparison.Ordinal);
        Assert.DoesNotContain("8.", ConditionList.Find(refused.Status.Conditions, ConditionTypes.Ready)!.Message, StringComparison.Ordinal);
        // The Warning follows the status write that showed the refusal: wait for it rather than race it.
        await Eventually.ValueAsync(async () => (await harness.EventsForAsync(name)).FirstOrDefault(e => e.Reason == Reasons.ProviderNotAllowed && e.Type == "Warning"),
            $"a Warning {Reasons.ProviderNotAllowed} for {name}");

        // Labelling the namespace re-evaluates its containers at once.
        await LabelNamespaceAsync("pve-operator.io/tenant", "lab");
        var running = await harness.WaitForContainerAsync(name, "True", Reasons.Running);
        Assert.Equal("pve1", running.Status.Node);
        Assert.Equal(1, simulator.Counters.PowerActions(301, "start"));
    }

    [Fact]
    public async Task Narrowing_allowedNamespaces_refuses_a_running_container_and_clears_what_the_provider_told()
    {
        var simulator = await harness.StartSimulatorAsync();
        simulator.Cluster.AddContainer(Container(302, running: true));
        var provider = await harness.CreateProviderAsync(simulator);
        var name = await harness.CreateContainerAsync(provider, 302);
        await harness.WaitForContainerAsync(name, "True", Reasons.Running);

        await harness.PatchProviderSpecAsync(provider, """{"allowedNamespaces":{"names":["somebody-else"]}}""");

        var refused = await harness.WaitForContainerAsync(name, "False", Reasons.ProviderNotAllowed);
        Assert.Null(refused.Status.Node);
        Assert.Null(refused.Status.IpAddresses);
    }

    [Fact]
    public async Task An_unlabelled_secret_cannot_be_used_and_labelling_it_connects()
    {
        var simulator = await harness.StartSimulatorAsync();
        await harness.CreateSecretAsync("plain-token", simulator.DefaultTokenSecret, credentials: false);
        var provider = await harness.CreateProviderAsync(simulator, customize: p => p.Spec.SecretRef!.Name = "plain-token");

        var refused = await harness.WaitForProviderAsync(provider, "False", Reasons.SecretNotAllowed);

        Assert.Contains("pve-operator.io/credentials", ConditionList.Find(refused.Status.Conditions, ConditionTypes.Ready)!.Message);
        Assert.Equal(0, simulator.Counters.Total);
        await harness.CreateSecretAsync("plain-token", simulator.DefaultTokenSecret, credentials: true);
        await harness.WaitForProviderAsync(provider, "True", Reasons.Connected);
    }

    [Fact]
    public async Task InsecureSkipVerify_is_refused_by_default_before_anything_is_sent()
    {
        var simulator = await harness.StartSimulatorAsync();
        var provider = await harness.CreateProviderAsync(simulator, customize: p => p.Spec.Tls = new ProviderTlsSpec { InsecureSkipVerify = true });

        var refused = await harness.WaitForProviderAsync(provider, "False", Reasons.InsecureTlsNotAllowed);

        Assert.Equal("True", ConditionList.Find(refused.Status.Conditions, ConditionTypes.Stalled)!.Status);
        Assert.Equal(0, simulator.Counters.Total);
    }

    [Fact]
    public async Task Password_login_works_across_a_ticket_renewal_and_csrf_checked_writes()
    {
        var simulator = await harness.StartSimulatorAsync();
        simulator.Cluster.AddUser("root@pam", Password);
        simulator.Cluster.AddContainer(Container(303, running: false));
        var provider = await PasswordProviderAsync(simulator, "root@pam");
        var name = await harness.CreateContainerAsync(provider, 303);

        // The start is a POST: the simulator refuses it without the ticket's CSRF token.
        await harness.WaitForContainerAsync(name, "True", Reasons.Running);
        await Eventually.TrueAsync(() => simulator.Logins.Renewals >= 1, "the operator renewed its ticket", TimeSpan.FromSeconds(30));
        await harness.PatchContainerSpecAsync(name, new { powerState = "Stopped" });
        await harness.WaitForContainerAsync(name, "True", Reasons.Stopped);

        Assert.Equal(1, simulator.Logins.PasswordLogins);
        Assert.Equal(0, simulator.Logins.Failures);
        Assert.Equal(1, simulator.Counters.PowerActions(303, "start"));
        Assert.DoesNotContain(Password, harness.Log.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_user_with_a_second_factor_is_AuthenticationFailed_saying_to_use_a_token()
    {
        var simulator = await harness.StartSimulatorAsync();
        simulator.Cluster.AddUser("ops@pve", Password, totpCode: "123456");
        var provider = await PasswordProviderAsync(simulator, "ops@pve");

        var failed = await harness.WaitForProviderAsync(provider, "False", Reasons.AuthenticationFailed);

        var message = ConditionList.Find(failed.Status.Conditions, ConditionTypes.Ready)!.Message;
        Assert.Contains("two-factor", message, StringComparison.Ordinal);
        Assert.Contains("API token", message, StringComparison.Ordinal);
        Assert.True(simulator.Logins.SecondFactorChallenges >= 1);
    }

    [Fact]
    public async Task Missing_privileges_are_listed_while_the_provider_still_works()
    {
        var simulator = await harness.StartSimulatorAsync();
        var secret = Guid.NewGuid().ToString();
        simulator.Cluster.AddToken("auditor@pve!k8s", secret, "Sys.Audit", "VM.Audit");
        var provider = await harness.CreateProviderAsync(simulator, secret: secret, customize: p => p.Spec.TokenId = "auditor@pve!k8s");

        var ready = await harness.WaitForProviderAsync(provider, "True", Reasons.Connected);

        Assert.Equal(["VM.PowerMgmt on /vms"], ready.Status.MissingPrivileges!);
        var sufficient = ConditionList.Find(ready.Status.Conditions, ConditionTypes.PermissionsSufficient)!;
        Assert.Equal(("False", Reasons.MissingPrivileges), (sufficient.Status, sufficient.Reason));
        Assert.Contains("pveum acl modify / --roles PVEOperator --tokens 'auditor@pve!k8s'", sufficient.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_sync_interval_of_2000h_is_refused_by_the_schema_and_one_the_schema_lets_through_is_refused_at_run_time()
    {
        var simulator = await harness.StartSimulatorAsync();

        var refused = await Assert.ThrowsAsync<HttpOperationException>(() => harness.CreateProviderAsync(simulator, customize: p => p.Spec.SyncInterval = "2000h"));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.Response.StatusCode);
        Assert.Contains("spec.syncInterval", refused.Response.Content, StringComparison.Ordinal);

        var provider = await harness.CreateProviderAsync(simulator, customize: p => p.Spec.SyncInterval = "99h");
        await harness.WaitForProviderAsync(provider, "False", Reasons.InvalidSpec);
        // The provider's worker lives on: a fixed spec connects.
        await harness.PatchProviderSpecAsync(provider, """{"syncInterval":"1s"}""");
        await harness.WaitForProviderAsync(provider, "True", Reasons.Connected);
    }

    [Fact]
    public async Task A_100_MiB_answer_is_refused_after_the_cap_and_not_held_in_memory()
    {
        await using var hostile = await OversizedPve.StartAsync(100L * 1024 * 1024);
        var before = Environment.WorkingSet;
        await harness.CreateSecretAsync("hostile-token", Guid.NewGuid().ToString());
        var provider = await harness.CreateProviderAsync(await harness.StartSimulatorAsync(), customize: p =>
        {
            p.Spec.Url = hostile.BaseUrl;
            p.Spec.SecretRef!.Name = "hostile-token";
            p.Spec.Tls = new ProviderTlsSpec { Fingerprint = hostile.Fingerprint };
        });

        var failed = await harness.WaitForProviderAsync(provider, "False", Reasons.Unreachable);

        Assert.Contains("larger than 16 MiB", ConditionList.Find(failed.Status.Conditions, ConditionTypes.Ready)!.Message, StringComparison.Ordinal);
        // What the hostile server counts as written is no measure of what was read: Kestrel silently drops writes to a
        // connection the client has closed until it notices, so on a fast loopback it may "send" all 100 MiB. The
        // message says the operator stopped reading at the cap, and its memory did not take the rest.
        Assert.True(Environment.WorkingSet - before < 100L * 1024 * 1024, $"RSS grew by {(Environment.WorkingSet - before) / (1024 * 1024)} MiB");
    }

    private async Task<string> PasswordProviderAsync(PveSimulatorServer simulator, string user)
    {
        var name = $"pvp-{Guid.NewGuid():N}"[..12];
        await harness.CreateSecretAsync($"{name}-password", Password, key: "password");
        return await harness.CreateProviderAsync(simulator, name, p =>
        {
            p.Spec.TokenId = null;
            p.Spec.SecretRef = null;
            p.Spec.PasswordAuth = new PasswordAuthSpec
            {
                Username = user,
                SecretRef = new SecretKeyReference { Namespace = harness.Namespace, Name = $"{name}-password", Key = "password" },
            };
        });
    }
}
