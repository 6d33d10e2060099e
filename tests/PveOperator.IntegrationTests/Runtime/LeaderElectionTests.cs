using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;
using Prometheus;
using PveOperator.IntegrationTests.Infrastructure;
using PveOperator.Runtime;
using Xunit.Abstractions;

namespace PveOperator.IntegrationTests.Runtime;

[Collection(ControlPlaneCollection.Name)]
public sealed class LeaderElectionTests(ControlPlaneFixture cluster, ITestOutputHelper output) : IAsyncLifetime
{
    private const string DefaultLease = "runtime-test-leader";
    private static readonly TimeSpan LeaseDuration = TimeSpan.FromSeconds(2);

    private readonly List<IDisposable> disposables = [];
    private string ns = string.Empty;

    public async Task InitializeAsync() => ns = await cluster.CreateNamespaceAsync();

    public async Task DisposeAsync()
    {
        await cluster.Client.RemoveAllWidgetsAsync(ns);
        disposables.ForEach(d => d.Dispose());
    }

    [Fact]
    public async Task Only_the_leader_reconciles_and_a_standby_takes_over_when_it_stops()
    {
        var (first, firstReconciler) = NewReplica("first");
        var (second, secondReconciler) = NewReplica("second");
        var firstRun = new RunningManager(first);
        await Eventually.TrueAsync(() => first.IsLeader, "the first replica leads");
        await using var secondRun = new RunningManager(second);
        await Eventually.TrueAsync(() => second.HasSynced, "the standby's cache is synced");

        await cluster.Client.CreateAsync(Widget.New(ns, "before"));
        await Eventually.TrueAsync(() => firstReconciler.Reconciled.Count >= 1, "the leader reconciles");
        await Eventually.ConsistentlyAsync(() => !second.IsLeader && secondReconciler.Reconciled.IsEmpty,
            "the standby neither leads nor reconciles", TimeSpan.FromMilliseconds(300));

        await firstRun.DisposeAsync();

        // The Lease is released on the way out, so the standby need not wait for it to expire.
        var released = await ReadLeaseAsync(DefaultLease);
        Assert.True(released.Spec.HolderIdentity is "" or "second", $"the Lease is held by {released.Spec.HolderIdentity}");
        await Eventually.TrueAsync(() => second.IsLeader, "the standby takes over");
        await cluster.Client.CreateAsync(Widget.New(ns, "after"));
        await Eventually.TrueAsync(
            () => secondReconciler.Reconciled.Any(w => w.Metadata.Name == "after")
                && secondReconciler.Reconciled.Any(w => w.Metadata.Name == "before"),
            "the new leader reconciles everything");
        Assert.DoesNotContain(firstReconciler.Reconciled, w => w.Metadata.Name == "after");
    }

    [Fact]
    public async Task A_leader_that_crashed_is_replaced_once_its_lease_expires()
    {
        var (first, _) = NewReplica("first", releaseOnCancel: false);
        var (second, secondReconciler) = NewReplica("second");
        var firstRun = new RunningManager(first);
        await Eventually.TrueAsync(() => first.IsLeader, "the first replica leads");
        await using var secondRun = new RunningManager(second);
        await cluster.Client.CreateAsync(Widget.New(ns, "a"));

        await firstRun.DisposeAsync();

        // Not released: the standby waits until the Lease, as last renewed, has expired.
        var held = await ReadLeaseAsync(DefaultLease);
        Assert.Equal("first", held.Spec.HolderIdentity);
        var expires = held.Spec.RenewTime!.Value.ToUniversalTime() + LeaseDuration;
        var untilShortlyBefore = expires - DateTime.UtcNow - TimeSpan.FromMilliseconds(250);
        if (untilShortlyBefore > TimeSpan.Zero)
        {
            await Eventually.ConsistentlyAsync(() => !second.IsLeader, "the standby waits for the crashed leader's Lease to expire", untilShortlyBefore);
        }

        await Eventually.TrueAsync(() => second.IsLeader, "the standby takes over", TimeSpan.FromSeconds(15));
        await Eventually.TrueAsync(() => secondReconciler.Reconciled.Any(w => w.Metadata.Name == "a"), "the new leader reconciles");
    }

    [Fact]
    public async Task Losing_the_lease_cancels_reconciles_in_progress_at_once()
    {
        var leaseName = $"lease-{Guid.NewGuid():N}"[..20];
        var (replica, reconciler) = NewReplica("only", leaseName: leaseName);
        var reconcileStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var reconcileCancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        reconciler.Blocking = async cancellationToken =>
        {
            reconcileStarted.TrySetResult();
            try
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                reconcileCancelled.TrySetResult();
                throw;
            }
        };
        await using var running = new RunningManager(replica);
        await Eventually.TrueAsync(() => replica.IsLeader, "the replica leads");
        await cluster.Client.CreateAsync(Widget.New(ns, "slow"));
        await Eventually.TrueAsync(() => reconcileStarted.Task.IsCompleted, "the reconcile started");

        // Someone else takes the Lease (as a replica that saw it expire during a network partition would).
        var lease = await cluster.Client.CoordinationV1.ReadNamespacedLeaseAsync(leaseName, ns);
        lease.Spec.HolderIdentity = "thief";
        lease.Spec.RenewTime = DateTime.UtcNow;
        await cluster.Client.CoordinationV1.ReplaceNamespacedLeaseAsync(lease, leaseName, ns);

        await Eventually.TrueAsync(() => reconcileCancelled.Task.IsCompleted, "the reconcile was cancelled");
        Assert.False(replica.IsLeader);
    }

    private Task<V1Lease> ReadLeaseAsync(string leaseName) => cluster.Client.CoordinationV1.ReadNamespacedLeaseAsync(leaseName, ns);

    private (ControllerManager Manager, BlockingWidgetReconciler Reconciler) NewReplica(
        string identity, bool releaseOnCancel = true, string leaseName = DefaultLease)
    {
        var client = cluster.NewClient();
        var loggerFactory = LoggerFactory.Create(builder =>
            builder.SetMinimumLevel(LogLevel.Debug).AddProvider(new TestOutputLoggerProvider(output, $"[{identity}] ")));
        disposables.Add(client);
        disposables.Add(loggerFactory);
        var manager = new ControllerManager(client, loggerFactory, new ControllerManagerOptions
        {
            WatchNamespace = ns,
            MetricsRegistry = Metrics.NewCustomRegistry(),
            LeaderElection = new LeaderElectionSettings(ns, leaseName)
            {
                Identity = identity,
                LeaseDuration = LeaseDuration,
                RenewDeadline = TimeSpan.FromSeconds(1.5),
                RetryPeriod = TimeSpan.FromMilliseconds(250),
                ReleaseOnCancel = releaseOnCancel,
            },
        });
        var reconciler = new BlockingWidgetReconciler();
        manager.AddController(reconciler, options => options.GracefulShutdownTimeout = TimeSpan.FromSeconds(5));
        return (manager, reconciler);
    }
}
