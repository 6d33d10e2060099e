namespace PveOperator.Bench;

/// <summary>Samples the operator's RSS every 250 ms: the latest value and the peak.</summary>
internal sealed class RssSampler : IDisposable
{
    private readonly CancellationTokenSource stop = new();
    private long peak;
    private long current;

    public RssSampler(OperatorProcess op)
    {
        _ = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested && !op.HasExited)
            {
                try
                {
                    var rss = op.ResidentBytes();
                    Interlocked.Exchange(ref current, rss);
                    if (rss > Interlocked.Read(ref peak))
                    {
                        Interlocked.Exchange(ref peak, rss);
                    }

                    await Task.Delay(250, stop.Token);
                }
                catch (Exception error) when (error is IOException or OperationCanceledException or InvalidOperationException or ObjectDisposedException)
                {
                    return;
                }
            }
        });
    }

    public long Peak => Interlocked.Read(ref peak);
    public long Current => Interlocked.Read(ref current);

    public void Dispose()
    {
        stop.Cancel();
        stop.Dispose();
    }
}
