using PveOperator.Entities;

namespace PveOperator.Controllers;

/// <summary>One reconcile of one container: the resource, the status being built, and the conditions' bookkeeping.</summary>
internal sealed class ContainerReconcile(V1Alpha1LxcContainer container, LxcContainerStatus status, DateTimeOffset now)
{
    public V1Alpha1LxcContainer Container { get; } = container;
    public LxcContainerStatus Status { get; } = status;
    public DateTimeOffset Now { get; } = now;
    public PowerState Desired => Container.Spec.PowerState ?? PowerState.Running;
    public bool Converged { get; private set; }
    /// <summary>Set when this reconcile found the container stalled: only a human can move it on.</summary>
    public (string Reason, string Message)? Stall { get; private set; }

    /// <summary>Nothing was observed: the resource's status stays as it is (not even observedGeneration moves).</summary>
    public bool StatusLeftAsItIs { get; private set; }

    public void LeaveStatus() => StatusLeftAsItIs = true;

    private long? Generation => Container.Metadata.Generation;

    public void Observed(string node, string state, bool running, string? hostname)
    {
        Status.Node = node;
        Status.State = state;
        Status.Running = running;
        Status.Hostname = hostname;
    }

    public void Ready(string reason, string message)
    {
        Converged = true;
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
