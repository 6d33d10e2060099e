using System.Runtime.CompilerServices;
using System.Threading.Channels;
using k8s;
using k8s.Models;

namespace PveOperator.Runtime;

/// <summary>
/// A test hook (<see cref="InformerOptions.WatchEventDelay"/>): hands on each watch event a fixed time after it arrived,
/// so that an informer's cache lags the API server by that much, as a busy API server or a slow network makes it lag
/// now and then. The lag stays constant however many events come (they are read on arrival and held in order); lists
/// are not delayed.
/// </summary>
internal sealed class LaggingListWatch<TEntity>(IListWatch<TEntity> inner, TimeSpan lag, TimeProvider clock) : IListWatch<TEntity>
    where TEntity : IKubernetesObject<V1ObjectMeta>
{
    public static IListWatch<TEntity> Wrap(IListWatch<TEntity> inner, TimeSpan lag, TimeProvider clock) =>
        lag > TimeSpan.Zero ? new LaggingListWatch<TEntity>(inner, lag, clock) : inner;

    public Task<EntityListSnapshot<TEntity>> ListAsync(CancellationToken cancellationToken) => inner.ListAsync(cancellationToken);

    public async IAsyncEnumerable<EntityWatchEvent<TEntity>> WatchAsync(
        string resourceVersion, TimeSpan timeout, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var arrivals = Channel.CreateUnbounded<(long Arrived, EntityWatchEvent<TEntity> Event)>(
            new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        using var stopPump = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var pump = PumpAsync(resourceVersion, timeout, arrivals.Writer, stopPump.Token);
        try
        {
            while (await arrivals.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                while (arrivals.Reader.TryRead(out var arrival))
                {
                    var wait = lag - clock.GetElapsedTime(arrival.Arrived);
                    if (wait > TimeSpan.Zero)
                    {
                        await Task.Delay(wait, clock, cancellationToken).ConfigureAwait(false);
                    }

                    yield return arrival.Event;
                }
            }

            // The watch's own end or failure, after the events that came before it.
            await pump.ConfigureAwait(false);
        }
        finally
        {
            await stopPump.CancelAsync().ConfigureAwait(false);
            await pump.ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default)
                .ConfigureAwait(false);
        }
    }

    private async Task PumpAsync(
        string resourceVersion, TimeSpan timeout, ChannelWriter<(long, EntityWatchEvent<TEntity>)> writer, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var watchEvent in inner.WatchAsync(resourceVersion, timeout, cancellationToken).ConfigureAwait(false))
            {
                writer.TryWrite((clock.GetTimestamp(), watchEvent));
            }
        }
        finally
        {
            writer.TryComplete();
        }
    }
}
