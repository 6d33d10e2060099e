using System.Collections.Concurrent;
using PveOperator.IntegrationTests.Infrastructure;
using PveOperator.Runtime;

namespace PveOperator.IntegrationTests.Runtime;

/// <summary>Records reconciles; a test can make them block until cancelled.</summary>
internal sealed class BlockingWidgetReconciler : IReconciler<Widget>
{
    public ConcurrentQueue<Widget> Reconciled { get; } = new();

    public Func<CancellationToken, Task>? Blocking { get; set; }

    public async Task<ReconcileResult> ReconcileAsync(Widget entity, CancellationToken cancellationToken)
    {
        Reconciled.Enqueue(entity);
        if (Blocking is not null)
        {
            await Blocking(cancellationToken);
        }

        return ReconcileResult.Done;
    }

    public Task<ReconcileResult> FinalizeAsync(Widget entity, CancellationToken cancellationToken) =>
        Task.FromResult(ReconcileResult.Done);
}
