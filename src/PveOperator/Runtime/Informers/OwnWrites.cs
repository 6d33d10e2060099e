using System.Globalization;
using k8s;
using k8s.Models;

namespace PveOperator.Runtime;

/// <summary>
/// Read-your-writes for reconciles that read from an informer's cache. The API server's answer to one of the operator's
/// own writes (a status patch, a finalizer patch) is kept per key until the cache holds that resourceVersion or a newer
/// one: a reconcile in between decides on the written object, never on the older copy the cache still shows (which
/// could, say, lack the status.operation that records an action already sent). A write whose answer never came leaves
/// the key uncertain: its next reconcile reads the object from the API server instead.
/// Entries live only while the cache is behind: the informer drops them on the event that catches up, on deletion,
/// and a write is not even recorded when the cache already caught up or no longer holds the object.
/// </summary>
internal sealed class OwnWrites<TEntity>
    where TEntity : class, IKubernetesObject<V1ObjectMeta>
{
    private readonly IEntityCache<TEntity> cache;
    private readonly Lock gate = new();
    private readonly Dictionary<string, TEntity> written = new(StringComparer.Ordinal);
    private readonly HashSet<string> uncertain = new(StringComparer.Ordinal);

    public OwnWrites(IEntityCache<TEntity> cache)
    {
        this.cache = cache;
    }

    /// <summary>Keys whose written object is newer than the cache's copy (for tests and leak checks).</summary>
    public int Count
    {
        get
        {
            lock (gate)
            {
                return written.Count + uncertain.Count;
            }
        }
    }

    /// <summary>
    /// Keeps the API server's answer to a write of ours unless the cache already holds it (or something newer), or no
    /// longer holds the object at all (its deletion was seen: nothing would ever drop the entry).
    /// </summary>
    public void Record(TEntity stored)
    {
        var key = EntityKey.Of(stored);
        lock (gate)
        {
            // Checked under the gate that Observe takes after the informer has updated the cache: either this sees the
            // cache's new copy, or Observe sees this entry and drops it.
            if (cache.Get(key) is not { } cached || IsAtLeast(cached, stored))
            {
                written.Remove(key);
                return;
            }

            if (written.TryGetValue(key, out var earlier) && IsAtLeast(earlier, stored))
            {
                return;
            }

            // A copy: the writer goes on using (and changing) the object it got back.
            var copy = EntityCopy.Of(stored);
            DropManagedFields(copy);
            written[key] = copy;
        }
    }

    /// <summary>A write whose outcome is unknown (no answer, a server error): the key's next read goes to the API server.</summary>
    public void MarkUncertain(string key)
    {
        lock (gate)
        {
            uncertain.Add(key);
        }
    }

    /// <summary>
    /// What a reconcile of <paramref name="key"/> decides on: the cache's copy, or the object of our own write the cache
    /// has not caught up with yet, or nothing (gone); or that it must read from the API server first.
    /// </summary>
    public OwnWriteRead<TEntity> Read(string key)
    {
        lock (gate)
        {
            if (uncertain.Contains(key))
            {
                return new OwnWriteRead<TEntity>(null, FromOwnWrite: false, NeedsFreshRead: true);
            }

            var cached = cache.Get(key);
            if (!written.TryGetValue(key, out var own))
            {
                return new OwnWriteRead<TEntity>(cached, FromOwnWrite: false, NeedsFreshRead: false);
            }

            if (cached is null || IsAtLeast(cached, own))
            {
                // Caught up, or deleted since (a deletion seen before the write was recorded).
                written.Remove(key);
                return new OwnWriteRead<TEntity>(cached, FromOwnWrite: false, NeedsFreshRead: false);
            }

            return new OwnWriteRead<TEntity>(own, FromOwnWrite: true, NeedsFreshRead: false);
        }
    }

    /// <summary>
    /// An object read from the API server (after an uncertain write, or a conflict): it ends the key's uncertainty and is
    /// kept like a write's answer while the cache is behind it. Null: the object is gone.
    /// </summary>
    public void RecordFreshRead(string key, TEntity? fresh)
    {
        lock (gate)
        {
            uncertain.Remove(key);
        }

        if (fresh is not null)
        {
            Record(fresh);
        }
    }

    /// <summary>Called by the informer for each change, after its cache holds it.</summary>
    public void Observe(EntityEvent<TEntity> change)
    {
        var key = EntityKey.Of(change.Entity);
        lock (gate)
        {
            if (change.Type == EntityEventType.Deleted)
            {
                written.Remove(key);
                uncertain.Remove(key);
            }
            else if (written.TryGetValue(key, out var own) && IsAtLeast(change.Entity, own))
            {
                written.Remove(key);
            }
        }
    }

    /// <summary>
    /// Whether <paramref name="candidate"/> is the same version as <paramref name="reference"/> or a later one.
    /// resourceVersions are opaque to clients by contract, but every API server backed by etcd hands out its revision,
    /// an integer that grows with each write; anything else only compares equal to itself.
    /// </summary>
    internal static bool IsAtLeast(TEntity candidate, TEntity reference)
    {
        string? left = candidate.Metadata?.ResourceVersion, right = reference.Metadata?.ResourceVersion;
        if (string.Equals(left, right, StringComparison.Ordinal))
        {
            return true;
        }

        return ulong.TryParse(left, NumberStyles.None, CultureInfo.InvariantCulture, out var l)
            && ulong.TryParse(right, NumberStyles.None, CultureInfo.InvariantCulture, out var r)
            && l >= r;
    }

    // As the informer does for its cache: server-side apply bookkeeping is never read and is most of an object's size.
    private static void DropManagedFields(TEntity entity)
    {
        if (entity.Metadata is { ManagedFields: not null } metadata)
        {
            metadata.ManagedFields = null;
        }
    }
}
