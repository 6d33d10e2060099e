using k8s;
using k8s.LeaderElection;
using k8s.LeaderElection.ResourceLock;
using Microsoft.Extensions.Logging;

namespace PveOperator.Runtime;

/// <summary>
/// Campaigns for the Lease with KubernetesClient's <see cref="LeaderElector"/> and runs a piece of work
/// only while leading. Losing the Lease aborts the work at once (another replica may already lead);
/// a shutdown stops it gracefully first and then releases the Lease. After a loss it campaigns again.
/// </summary>
internal sealed partial class LeaderElectionRunner(IKubernetes client, LeaderElectionSettings settings, ILogger logger, TimeProvider? clock = null)
{
    private volatile bool isLeader;

    public bool IsLeader => isLeader;

    public string Identity => settings.Identity;

    /// <summary>
    /// Runs until <paramref name="cancellationToken"/>. <paramref name="whileLeading"/> gets a stop token
    /// (stop taking work, finish what is in progress) and an abort token (cancel what is in progress).
    /// </summary>
    public async Task RunAsync(Func<CancellationToken, CancellationToken, Task> whileLeading, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            await CampaignOnceAsync(whileLeading, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task CampaignOnceAsync(Func<CancellationToken, CancellationToken, Task> whileLeading, CancellationToken cancellationToken)
    {
        var leaseLock = new LeaseLock(client, settings.LeaseNamespace, settings.LeaseName, settings.Identity);
        using var elector = new LeaderElector(new LeaderElectionConfig(leaseLock)
        {
            LeaseDuration = settings.LeaseDuration,
            RenewDeadline = settings.RenewDeadline,
            RetryPeriod = settings.RetryPeriod,
        });
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var lost = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        elector.OnStartedLeading += () => started.TrySetResult();
        elector.OnStoppedLeading += () => lost.TrySetResult();
        elector.OnNewLeader += leader => LogNewLeader(leader, settings.LeaseNamespace, settings.LeaseName);
        elector.OnError += exception =>
        {
            // The elector reports the Lease's absence before creating it, and its own cancellation when
            // we stop it: neither is worth a warning.
            if (!ApiErrors.IsNotFound(exception) && exception is not OperationCanceledException)
            {
                LogElectionError(exception);
            }
        };

        // The election gets its own token: on shutdown it must keep renewing until the work has drained.
        using var electionCancellation = new CancellationTokenSource();
        var election = RunElectorAsync(elector, electionCancellation.Token);
        var cancelled = Task.Delay(Timeout.Infinite, cancellationToken);
        await Task.WhenAny(started.Task, election, cancelled).ConfigureAwait(false);

        if (!started.Task.IsCompleted)
        {
            await electionCancellation.CancelAsync().ConfigureAwait(false);
            await election.ConfigureAwait(false);
            if (!cancellationToken.IsCancellationRequested)
            {
                // The elector failed before leading (e.g. API server unreachable): try again shortly.
                await DelayQuietlyAsync(settings.RetryPeriod, cancellationToken).ConfigureAwait(false);
            }

            return;
        }

        isLeader = true;
        LogStartedLeading(settings.Identity);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var abort = new CancellationTokenSource();
        var leading = RunQuietlyAsync(whileLeading, stop.Token, abort.Token);
        await Task.WhenAny(lost.Task, cancelled, leading).ConfigureAwait(false);

        if (lost.Task.IsCompleted && !cancellationToken.IsCancellationRequested)
        {
            // Another replica may be leading already: stop reconciling now, not after a drain.
            isLeader = false;
            LogLostLeadership(settings.Identity);
            await abort.CancelAsync().ConfigureAwait(false);
            await stop.CancelAsync().ConfigureAwait(false);
            await leading.ConfigureAwait(false);
            await electionCancellation.CancelAsync().ConfigureAwait(false);
            await election.ConfigureAwait(false);
            return;
        }

        // Shutdown: drain while still holding the Lease, then give it up.
        await stop.CancelAsync().ConfigureAwait(false);
        await leading.ConfigureAwait(false);
        await electionCancellation.CancelAsync().ConfigureAwait(false);
        await election.ConfigureAwait(false);
        isLeader = false;
        if (settings.ReleaseOnCancel)
        {
            await ReleaseAsync().ConfigureAwait(false);
        }
    }

    private async Task RunElectorAsync(LeaderElector elector, CancellationToken cancellationToken)
    {
        try
        {
            await elector.RunUntilLeadershipLostAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopped by us.
        }
        catch (Exception exception)
        {
            LogElectionError(exception);
        }
    }

    private async Task RunQuietlyAsync(
        Func<CancellationToken, CancellationToken, Task> whileLeading, CancellationToken stop, CancellationToken abort)
    {
        try
        {
            await whileLeading(stop, abort).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Stopped.
        }
        catch (Exception exception)
        {
            LogWorkFailed(exception);
        }
    }

    /// <summary>Empties the Lease if we still hold it, so that a candidate takes over without waiting.</summary>
    private async Task ReleaseAsync()
    {
        try
        {
            using var timeout = new CancellationTokenSource(settings.RenewDeadline);
            var lease = await client.CoordinationV1.ReadNamespacedLeaseAsync(
                settings.LeaseName, settings.LeaseNamespace, cancellationToken: timeout.Token).ConfigureAwait(false);
            if (lease.Spec?.HolderIdentity != settings.Identity)
            {
                return;
            }

            // An empty holder (not a missing one) is what KubernetesClient's elector treats as free.
            lease.Spec.HolderIdentity = string.Empty;
            lease.Spec.LeaseDurationSeconds = 1;
            lease.Spec.RenewTime = (clock ?? TimeProvider.System).GetUtcNow().UtcDateTime;
            await client.CoordinationV1.ReplaceNamespacedLeaseAsync(
                lease, settings.LeaseName, settings.LeaseNamespace, cancellationToken: timeout.Token).ConfigureAwait(false);
            LogReleased(settings.LeaseNamespace, settings.LeaseName);
        }
        catch (Exception exception)
        {
            LogReleaseFailed(exception);
        }
    }

    private static async Task DelayQuietlyAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Shutting down.
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Leader of {Namespace}/{Lease} is now {Leader}")]
    private partial void LogNewLeader(string leader, string @namespace, string lease);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Identity} started leading")]
    private partial void LogStartedLeading(string identity);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Identity} lost leadership: controllers stopped")]
    private partial void LogLostLeadership(string identity);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Leader election error")]
    private partial void LogElectionError(Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "The work run while leading failed")]
    private partial void LogWorkFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Released lease {Namespace}/{Lease}")]
    private partial void LogReleased(string @namespace, string lease);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not release the lease")]
    private partial void LogReleaseFailed(Exception exception);
}
