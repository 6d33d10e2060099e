using System.Collections.Concurrent;
using PveOperator.IntegrationTests.Infrastructure;
using PveOperator.Runtime;

namespace PveOperator.IntegrationTests.Runtime;

/// <summary>
/// A reconciler as a product would write one: observes the spec, writes the status only when it
/// changed, records an event; the test can script finalization.
/// </summary>
internal sealed class WidgetReconciler(IStatusWriter<Widget> statusWriter, IEventRecorder? events = null) : IReconciler<Widget>
{
    public ConcurrentQueue<Widget> Reconciled { get; } = new();

    public ConcurrentQueue<Widget> Finalized { get; } = new();

    public Func<Widget, ReconcileResult> OnFinalize { get; set; } = _ => ReconcileResult.Done;

    public int StatusWrites;

    public async Task<ReconcileResult> ReconcileAsync(Widget entity, CancellationToken cancellationToken)
    {
        Reconciled.Enqueue(entity);
        var status = new WidgetStatus { Phase = "Ready", ObservedSize = entity.Spec.Size };
        if (await statusWriter.PatchStatusIfChangedAsync(entity, status, cancellationToken))
        {
            Interlocked.Increment(ref StatusWrites);
            if (events is not null)
            {
                await events.NormalAsync(entity, "Resized", $"Observed size {entity.Spec.Size}", cancellationToken);
            }
        }

        return ReconcileResult.Done;
    }

    public Task<ReconcileResult> FinalizeAsync(Widget entity, CancellationToken cancellationToken)
    {
        Finalized.Enqueue(entity);
        return Task.FromResult(OnFinalize(entity));
    }
}
