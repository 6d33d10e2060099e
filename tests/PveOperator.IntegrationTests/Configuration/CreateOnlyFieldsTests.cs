using PveOperator.Entities;
using PveOperator.IntegrationTests.Infrastructure;
using PveOperator.IntegrationTests.Operator;
using Xunit.Abstractions;
using static PveOperator.IntegrationTests.Configuration.ConfigurationKit;
using static PveOperator.IntegrationTests.Lifecycle.LifecycleKit;

namespace PveOperator.IntegrationTests.Configuration;

/// <summary>spec.create.* after the container exists: reported as RequiresReplacement, never acted on.</summary>
[Collection(ControlPlaneCollection.Name)]
public sealed class CreateOnlyFieldsTests(ControlPlaneFixture controlPlane, ITestOutputHelper output) : IAsyncLifetime
{
    private OperatorHarness harness = null!;

    public async Task InitializeAsync() => harness = await OperatorHarness.StartAsync(controlPlane, output, Settings());

    public async Task DisposeAsync() => await harness.DisposeAsync();

    [Fact]
    public async Task Changing_the_create_storage_of_a_created_container_is_reported_and_nothing_is_destroyed()
    {
        var simulator = await harness.StartSimulatorAsync(Options(), "pve1", "pve2");
        var provider = await harness.CreateProviderAsync(simulator);
        var name = await CreateResourceAsync(harness, provider, "created", FromTemplate(more: s =>
        {
            s.Vmid = 390;
            s.Resources = new ContainerResources { Memory = "1Gi" };
        }));
        await harness.WaitForContainerAsync(name, c => IsReadyRunning(c) && IsInSync(c), $"{name} is created, running and in sync", TimeSpan.FromSeconds(40));

        // The 1.20 API server has no CEL, so the rule that create cannot change does not stop this patch.
        await harness.PatchContainerSpecAsync(name, new { create = new { storage = "nfs-shared", unprivileged = false } });
        var reported = await WaitConditionAsync(harness, name, ConditionTypes.Synced, "False", RequiresReplacement);

        var message = Condition(reported, ConditionTypes.Synced)!.Message;
        Assert.Contains("create.storage", message, StringComparison.Ordinal);
        Assert.Contains("create.unprivileged", message, StringComparison.Ordinal);
        Assert.True(Has(reported, ConditionTypes.Ready, "True"), "Ready stays True");
        await Eventually.ConsistentlyAsync(() => simulator.Cluster.GetContainer(390) is { Running: true }
            && simulator.Counters.LifecycleRequests(390, "destroy") == 0 && simulator.Counters.LifecycleRequests(390, "create") == 1,
            "the container is neither destroyed nor created again", TimeSpan.FromSeconds(2));
        Assert.Equal("1024", Current(simulator, 390, "memory"));
    }
}
