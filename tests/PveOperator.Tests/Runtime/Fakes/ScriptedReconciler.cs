using System.Collections.Concurrent;
using PveOperator.Runtime;

namespace PveOperator.Tests.Runtime.Fakes;

/// <summary>A reconciler whose answers the test scripts; records what it was given.</summary>
internal sealed class ScriptedReconciler : IReconciler<Widget>
{
    public ConcurrentQueue<Widget> Reconciled { get; } = new();

    public ConcurrentQueue<Widget> Finalized { get; } = new();

    public Func<Widget, CancellationToken, Task<ReconcileResult>> OnReconcile { get; set; } =
        (_, _) => Task.FromResult(ReconcileResult.Done);

    public Func<Widget, CancellationToken, Task<ReconcileResult>> OnFinalize { get; set; } =
        (_, _) => Task.FromResult(ReconcileResult.Done);

    public Task<ReconcileResult> ReconcileAsync(Widget entity, CancellationToken cancellationToken)
    {
        Reconciled.Enqueue(entity);
        return OnReconcile(entity, cancellationToken);
    }

    public Task<ReconcileResult> FinalizeAsync(Widget entity, CancellationToken cancellationToken)
    {
        Finalized.Enqueue(entity);
        return OnFinalize(entity, cancellationToken);
    }
}
