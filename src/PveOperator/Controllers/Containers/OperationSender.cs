using PveOperator.Entities;
using PveOperator.Proxmox;
using PveOperator.Runtime;

namespace PveOperator.Controllers;

/// <summary>
/// Sends one PVE operation the way every kind of it must go: the operation in status (written before the request when
/// <see cref="OperationRecording"/> says so, so that a restarted operator resumes instead of sending it twice), the
/// request, the UPID written as soon as PVE answers, and on a failed request the operation dropped and its slot given
/// back. Taking the slot and the event are the caller's.
/// </summary>
internal static class OperationSender
{
    public static async Task<ContainerFacts> SendAsync(
        ContainerFacts f, ContainerReconcile work, IStatusWriter<V1Alpha1LxcContainer> statusWriter, OperationStatus operation,
        string reason, string message, Func<Task<Upid>> send, Action releaseSlot, CancellationToken cancellationToken)
    {
        Upid upid;
        try
        {
            work.Status.Operation = operation;
            if (OperationRecording.BeforeRequest(operation.Type))
            {
                work.Progressing(reason, message);
                await ContainerActions.WriteStatusAsync(work, statusWriter, cancellationToken);
            }

            upid = await send();
        }
        catch
        {
            work.Status.Operation = null;
            releaseSlot();
            throw;
        }

        operation.Upid = upid.Raw;
        work.Progressing(reason, $"{message} (task {upid.Raw})");
        // The UPID must reach the API server before anything else can happen, so a restart resumes instead of re-sending.
        await ContainerActions.WriteStatusAsync(work, statusWriter, cancellationToken);
        // The task observed earlier in this reconcile was the previous operation's, not this one's.
        return f with { JustSent = true, Task = null, Settled = null, History = f.History.ActionSent() };
    }
}
