using PveOperator.Entities;
using PveOperator.IntegrationTests.Infrastructure;
using PveOperator.IntegrationTests.Operator;
using Xunit.Abstractions;
using static PveOperator.IntegrationTests.Configuration.ConfigurationKit;
using static PveOperator.IntegrationTests.Lifecycle.LifecycleKit;

namespace PveOperator.IntegrationTests.Configuration;

/// <summary>spec.features: nesting is the one feature an API token may change (VM.Allocate); the rest is root@pam's.</summary>
[Collection(ControlPlaneCollection.Name)]
public sealed class FeaturesConfigTests(ControlPlaneFixture controlPlane, ITestOutputHelper output) : IAsyncLifetime
{
    private OperatorHarness harness = null!;

    public async Task InitializeAsync() => harness = await OperatorHarness.StartAsync(controlPlane, output, Settings());

    public async Task DisposeAsync() => await harness.DisposeAsync();

    [Fact]
    public async Task Nesting_is_applied_on_a_stopped_container()
    {
        var simulator = await harness.StartSimulatorAsync(Options(), "pve1", "pve2");
        var existing = Existing(335, running: false);
        simulator.Cluster.AddContainer(existing);
        var provider = await harness.CreateProviderAsync(simulator);

        var name = await AdoptAsync(harness, provider, existing, s => s.Features = new FeaturesSpec { Nesting = false });
        await WaitInSyncAsync(harness, name);

        Assert.Equal("nesting=0", Current(simulator, 335, "features"));
    }

    [Fact]
    public async Task Keyctl_is_refused_by_PVE_for_a_token_and_reported_as_PermissionDenied_naming_root_at_pam()
    {
        var simulator = await harness.StartSimulatorAsync(Options(), "pve1", "pve2");
        var existing = Existing(336, running: false);
        simulator.Cluster.AddContainer(existing);
        var provider = await harness.CreateProviderAsync(simulator);

        var name = await AdoptAsync(harness, provider, existing, s => s.Features = new FeaturesSpec { Nesting = true, Keyctl = true });
        var denied = await harness.WaitForContainerAsync(name, c => Has(c, ConditionTypes.Ready, "False", PermissionDenied), $"{name} is Ready=False (PermissionDenied)");

        Assert.Contains("root@pam", Condition(denied, ConditionTypes.Ready)!.Message, StringComparison.Ordinal);
        Assert.Equal("nesting=1", Current(simulator, 336, "features"));
        Assert.NotNull(Drift(denied, "features.keyctl"));
    }
}
