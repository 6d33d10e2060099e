using PveOperator.Entities;

namespace PveOperator.Controllers;

/// <summary>One reconcile of one container: the resource, the status being built, and the conditions' bookkeeping.</summary>
internal sealed class ContainerReconcile(V1Alpha1LxcContainer container, LxcContainerStatus status, DateTimeOffset now)
{
    public V1Alpha1LxcContainer Container { get; } = container;
    public LxcContainerStatus Status { get; } = status;
    public DateTimeOffset Now { get; } = now;
    /// <summary>Set when this reconcile found the container stalled: only a human can move it on.</summary>
    public (string Reason, string Message)? Stall { get; private set; }

    private long? Generation => Container.Metadata.Generation;

    public void Apply(ContainerOutcome outcome)
    {
        switch (outcome.Kind)
        {
            case ConditionKind.Ready:
                Ready(outcome.Reason, outcome.Message);
                break;
            case ConditionKind.Progressing:
                Progressing(outcome.Reason, outcome.Message);
                break;
            default:
                NotReady(outcome.Reason, outcome.Message, stalled: true);
                break;
        }
    }

    /// <summary>Records the live state; a stopped container has no addresses, whatever it should be.</summary>
    public void Observed(string node, LiveState live)
    {
        Status.Node = node;
        Status.State = live.State;
        Status.Running = live.Running;
        Status.Hostname = live.Name;
        if (!live.Running)
        {
            Status.IpAddresses = null;
            Status.Interfaces = null;
        }
    }

    /// <summary>Keeps only the conditions: a resource its provider refuses must not show anything of that provider.</summary>
    public void ForgetObserved()
    {
        Status.Node = null;
        Status.State = null;
        Status.Running = null;
        Status.Hostname = null;
        Status.IpAddresses = null;
        Status.Interfaces = null;
        Status.Operation = null;
        Status.PendingTask = null;
    }

    /// <summary>Records what the configuration comparison found: drift, pending keys, Synced and RestartRequired.</summary>
    public void ApplySync(SyncOutcome sync)
    {
        Status.Drift = sync.Drift.Count == 0 ? null : [.. sync.Drift];
        Status.PendingChanges = sync.Pending.Count == 0 ? null : [.. sync.Pending];
        Status.Conditions = ConditionList.Set(Status.Conditions, ConditionTypes.Synced, sync.Synced ? "True" : "False", sync.Reason, sync.Message,
            Generation, Now.UtcDateTime);
        Status.Conditions = ConditionList.Set(Status.Conditions, ConditionTypes.RestartRequired, sync.Pending.Count > 0 ? "True" : "False",
            sync.Pending.Count > 0 ? Reasons.PendingChanges : Reasons.NothingPending, sync.RestartMessage, Generation, Now.UtcDateTime);
    }

    /// <summary>The annotation pve-operator.io/paused is set: say so, and change nothing else.</summary>
    public void Pause() =>
        Status.Conditions = ConditionList.Set(Status.Conditions, ConditionTypes.Paused, "True", Reasons.Paused,
            $"the annotation {V1Alpha1LxcContainer.PausedAnnotation}: \"true\" pauses the operator for this resource: nothing is observed or changed, deletion included, until it is removed",
            Generation, Now.UtcDateTime);

    public void Unpause() => Status.Conditions = ConditionList.Remove(Status.Conditions, ConditionTypes.Paused);

    public void Ready(string reason, string message)
    {
        Status.Conditions = ConditionList.Set(Status.Conditions, ConditionTypes.Ready, "True", reason, message, Generation, Now.UtcDateTime);
        Status.Conditions = ConditionList.Remove(Status.Conditions, ConditionTypes.Reconciling);
        Status.Conditions = ConditionList.Remove(Status.Conditions, ConditionTypes.Stalled);
    }

    /// <summary>Not there yet but on the way (kstatus: InProgress).</summary>
    public void Progressing(string reason, string message)
    {
        Status.Conditions = ConditionList.Set(Status.Conditions, ConditionTypes.Ready, "False", reason, message, Generation, Now.UtcDateTime);
        Status.Conditions = ConditionList.Set(Status.Conditions, ConditionTypes.Reconciling, "True", reason, message, Generation, Now.UtcDateTime);
        Status.Conditions = ConditionList.Remove(Status.Conditions, ConditionTypes.Stalled);
    }

    /// <summary>Not ready; stalled when only a human can fix it (kstatus: Failed), otherwise still progressing.</summary>
    public void NotReady(string reason, string message, bool stalled)
    {
        if (!stalled)
        {
            Progressing(reason, message);
            return;
        }

        Stall = (reason, message);
        Status.Conditions = ConditionList.Set(Status.Conditions, ConditionTypes.Ready, "False", reason, message, Generation, Now.UtcDateTime);
        Status.Conditions = ConditionList.Set(Status.Conditions, ConditionTypes.Stalled, "True", reason, message, Generation, Now.UtcDateTime);
        Status.Conditions = ConditionList.Remove(Status.Conditions, ConditionTypes.Reconciling);
    }
}
