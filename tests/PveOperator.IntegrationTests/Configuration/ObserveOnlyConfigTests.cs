using PveOperator.Entities;
using PveOperator.IntegrationTests.Infrastructure;
using PveOperator.IntegrationTests.Operator;
using Xunit.Abstractions;
using static PveOperator.IntegrationTests.Configuration.ConfigurationKit;
using static PveOperator.IntegrationTests.Lifecycle.LifecycleKit;

namespace PveOperator.IntegrationTests.Configuration;

/// <summary>managementPolicy ObserveOnly with a spec PVE does not match: the differences are listed, nothing is written.</summary>
[Collection(ControlPlaneCollection.Name)]
public sealed class ObserveOnlyConfigTests(ControlPlaneFixture controlPlane, ITestOutputHelper output) : IAsyncLifetime
{
    private OperatorHarness harness = null!;

    public async Task InitializeAsync() => harness = await OperatorHarness.StartAsync(controlPlane, output, Settings());

    public async Task DisposeAsync() => await harness.DisposeAsync();

    [Fact]
    public async Task The_differences_are_listed_in_status_drift_and_no_config_write_is_sent()
    {
        var simulator = await harness.StartSimulatorAsync(Options(), "pve1", "pve2");
        var existing = Existing(380, running: true);
        simulator.Cluster.AddContainer(existing);
        var provider = await harness.CreateProviderAsync(simulator);

        var name = await AdoptAsync(harness, provider, existing, s =>
        {
            s.ManagementPolicy = ManagementPolicy.ObserveOnly;
            s.Hostname = "renamed";
            s.Resources = new ContainerResources { Memory = "2Gi" };
            s.Tags = ["web"];
            s.Rootfs = new RootfsSpec { Size = "16Gi" };
            s.Node = "pve2";
        });
        var observed = await harness.WaitForContainerAsync(name,
            c => Has(c, ConditionTypes.Synced, "False", ObserveOnly) && (c.Status?.Drift?.Count ?? 0) >= 5, $"{name} is Synced=False (ObserveOnly) with its drift");

        Assert.Equal("2Gi <- 512Mi", Drift(observed, "resources.memory"));
        Assert.Equal("renamed <- hand380", Drift(observed, "hostname"));
        Assert.Equal("web <- ", Drift(observed, "tags"));
        Assert.Equal("16Gi <- 8Gi", Drift(observed, "rootfs.size"));
        Assert.Equal("pve2 <- pve1", Drift(observed, "node"));
        await Eventually.ConsistentlyAsync(() => ConfigWrites(simulator) == (0, 0, 0) && Writes(simulator).Count == 0,
            "no PUT config, resize, migrate or any other write reaches PVE", TimeSpan.FromSeconds(3));
        Assert.Equal("hand380", Current(simulator, 380, "hostname"));
    }
}
