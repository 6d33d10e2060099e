namespace PveOperator.Proxmox;

/// <summary>A held in-flight slot; disposing gives it back.</summary>
internal readonly struct PveRequestSlot(SemaphoreSlim semaphore) : IDisposable
{
    public void Dispose() => semaphore.Release();
}
