using PveOperator.Controllers;
using PveOperator.Entities;
using PveOperator.IntegrationTests.Infrastructure;
using PveSimulator;
using Xunit.Abstractions;

namespace PveOperator.IntegrationTests.Operator;

[Collection(ControlPlaneCollection.Name)]
public sealed class ProviderTests(ControlPlaneFixture controlPlane, ITestOutputHelper output) : IAsyncLifetime
{
    private OperatorHarness harness = null!;

    public async Task InitializeAsync() => harness = await OperatorHarness.StartAsync(controlPlane, output);

    public async Task DisposeAsync() => await harness.DisposeAsync();

    [Fact]
    public async Task A_cluster_provider_becomes_ready_with_its_nodes()
    {
        var simulator = await harness.StartSimulatorAsync(null, "pve1", "pve2", "pve3");
        simulator.Cluster.SetNodeOnline("pve3", false);
        var name = await harness.CreateProviderAsync(simulator);

        var provider = await harness.WaitForProviderAsync(name, "True", Reasons.Connected);

        Assert.Equal("homelab", provider.Status.ClusterName);
        Assert.StartsWith("8.", provider.Status.Version);
        Assert.Equal(["pve1", "pve2", "pve3"], provider.Status.Nodes!.Select(n => n.Name));
        Assert.Equal([true, true, false], provider.Status.Nodes!.Select(n => n.Online));
        Assert.Equal("pve1,pve2,pve3", provider.Status.NodeNames);
        Assert.NotNull(provider.Status.LastSyncTime);
        Assert.Equal(provider.Metadata.Generation, provider.Status.ObservedGeneration);
        Assert.Contains(ProxmoxProviderReconciler.FinalizerName, provider.Metadata.Finalizers);
    }

    [Fact]
    public async Task A_standalone_node_is_its_own_cluster()
    {
        var simulator = await harness.StartSimulatorAsync(new SimulatorOptions { ClusterName = null, Version = PveVersionMode.Pve7 }, "pve");
        var name = await harness.CreateProviderAsync(simulator);

        var provider = await harness.WaitForProviderAsync(name, "True", Reasons.Connected);

        Assert.Equal("pve", provider.Status.ClusterName);
        Assert.Equal("7.4-16", provider.Status.Version);
        Assert.Equal("pve", Assert.Single(provider.Status.Nodes!).Name);
    }

    [Fact]
    public async Task A_missing_secret_is_SecretNotFound_and_creating_it_recovers()
    {
        var simulator = await harness.StartSimulatorAsync();
        var name = await harness.CreateProviderAsync(simulator, customize: p => p.Spec.SecretRef!.Name = "not-yet-there");

        var provider = await harness.WaitForProviderAsync(name, "False", Reasons.SecretNotFound);
        Assert.Contains("not-yet-there", ConditionList.Find(provider.Status.Conditions, ConditionTypes.Ready)!.Message);
        Assert.Equal("True", ConditionList.Find(provider.Status.Conditions, ConditionTypes.Stalled)!.Status);

        // The Secret watch wakes the provider at once, well before its retry.
        await harness.CreateSecretAsync("not-yet-there", simulator.DefaultTokenSecret);
        provider = await harness.WaitForProviderAsync(name, "True", Reasons.Connected, TimeSpan.FromSeconds(10));
        Assert.Null(ConditionList.Find(provider.Status.Conditions, ConditionTypes.Stalled));
    }

    [Fact]
    public async Task A_secret_without_the_key_is_SecretNotFound()
    {
        var simulator = await harness.StartSimulatorAsync();
        var name = await harness.CreateProviderAsync(simulator, customize: p => p.Spec.SecretRef!.Key = "token");

        var provider = await harness.WaitForProviderAsync(name, "False", Reasons.SecretNotFound);
        Assert.Contains("has no key \"token\"", ConditionList.Find(provider.Status.Conditions, ConditionTypes.Ready)!.Message);
    }

    [Fact]
    public async Task A_wrong_secret_is_AuthenticationFailed_and_rotating_it_recovers_without_leaking_it()
    {
        var simulator = await harness.StartSimulatorAsync();
        const string wrongSecret = "0badc0de-0000-4000-8000-000000000001";
        var name = await harness.CreateProviderAsync(simulator, secret: wrongSecret);

        var provider = await harness.WaitForProviderAsync(name, "False", Reasons.AuthenticationFailed);
        var ready = ConditionList.Find(provider.Status.Conditions, ConditionTypes.Ready)!;
        Assert.Contains("invalid token value", ready.Message);

        await harness.CreateSecretAsync($"{name}-token", simulator.DefaultTokenSecret);
        await harness.WaitForProviderAsync(name, "True", Reasons.Connected, TimeSpan.FromSeconds(10));

        var events = await harness.EventsForAsync(name, clusterScoped: true);
        Assert.Contains(events, e => e.Reason == Reasons.AuthenticationFailed && e.Type == "Warning");
        foreach (var secret in new[] { wrongSecret, simulator.DefaultTokenSecret })
        {
            Assert.DoesNotContain(secret, harness.Log.ToString());
            Assert.DoesNotContain(events, e => e.Message.Contains(secret, StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task A_token_without_Sys_Audit_is_PermissionDenied_naming_the_privilege()
    {
        var simulator = await harness.StartSimulatorAsync();
        simulator.Cluster.AddToken("operator@pve!k8s", "11111111-2222-4333-8444-555555555555", "VM.Audit", "VM.PowerMgmt");
        var name = await harness.CreateProviderAsync(simulator, secret: "11111111-2222-4333-8444-555555555555",
            customize: p => p.Spec.TokenId = "operator@pve!k8s");

        var provider = await harness.WaitForProviderAsync(name, "False", Reasons.PermissionDenied);
        Assert.Contains("Sys.Audit", ConditionList.Find(provider.Status.Conditions, ConditionTypes.Ready)!.Message);
    }

    [Fact]
    public async Task A_self_signed_certificate_without_pin_or_CA_is_a_TLSError()
    {
        var simulator = await harness.StartSimulatorAsync();
        var name = await harness.CreateProviderAsync(simulator, customize: p => p.Spec.Tls = null);

        await harness.WaitForProviderAsync(name, "False", Reasons.TlsError);
    }

    [Fact]
    public async Task A_wrong_fingerprint_is_a_TLSError_and_a_CA_bundle_is_accepted()
    {
        var simulator = await harness.StartSimulatorAsync();
        var wrongPin = string.Join(':', Enumerable.Repeat("AB", 32));
        var name = await harness.CreateProviderAsync(simulator, customize: p => p.Spec.Tls = new ProviderTlsSpec { Fingerprint = wrongPin });
        await harness.WaitForProviderAsync(name, "False", Reasons.TlsError);

        var caBundle = System.Text.Json.JsonSerializer.Serialize(simulator.CertificatePem);
        await harness.PatchProviderSpecAsync(name, "{\"tls\":{\"fingerprint\":null,\"caBundle\":" + caBundle + "}}");
        await harness.WaitForProviderAsync(name, "True", Reasons.Connected);
    }

    [Fact]
    public async Task An_api_that_does_not_answer_is_Unreachable()
    {
        var simulator = await harness.StartSimulatorAsync();
        var name = await harness.CreateProviderAsync(simulator, customize: p => p.Spec.Url = "https://127.0.0.1:1");

        var provider = await harness.WaitForProviderAsync(name, "False", Reasons.Unreachable);
        Assert.Equal("True", ConditionList.Find(provider.Status.Conditions, ConditionTypes.Reconciling)!.Status);
        Assert.Contains("failed to fetch proxmox cluster info", ConditionList.Find(provider.Status.Conditions, ConditionTypes.Ready)!.Message);
    }

    [Fact]
    public async Task Conflicting_tls_settings_are_InvalidSpec()
    {
        var simulator = await harness.StartSimulatorAsync();
        var name = await harness.CreateProviderAsync(simulator,
            customize: p => p.Spec.Tls = new ProviderTlsSpec { InsecureSkipVerify = true, Fingerprint = simulator.CertificateFingerprint });

        var provider = await harness.WaitForProviderAsync(name, "False", Reasons.InvalidSpec);
        Assert.Contains("at most one", ConditionList.Find(provider.Status.Conditions, ConditionTypes.Ready)!.Message);
    }

    [Fact]
    public async Task A_sync_interval_below_a_second_is_InvalidSpec()
    {
        var simulator = await harness.StartSimulatorAsync();
        var name = await harness.CreateProviderAsync(simulator, customize: p => p.Spec.SyncInterval = "100ms");

        await harness.WaitForProviderAsync(name, "False", Reasons.InvalidSpec);
    }
}
