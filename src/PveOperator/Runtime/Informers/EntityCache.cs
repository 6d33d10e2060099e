using k8s;
using k8s.Models;

namespace PveOperator.Runtime;

/// <summary>A thread-safe store of objects by key, with secondary indexes. Written by one informer.</summary>
internal sealed class EntityCache<TEntity> : IEntityCache<TEntity>
    where TEntity : class, IKubernetesObject<V1ObjectMeta>
{
    private readonly Lock gate = new();
    private readonly Dictionary<string, TEntity> items = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Index> indexes = new(StringComparer.Ordinal);

    public int Count
    {
        get
        {
            lock (gate)
            {
                return items.Count;
            }
        }
    }

    public TEntity? Get(string key)
    {
        lock (gate)
        {
            return items.GetValueOrDefault(key);
        }
    }

    public IReadOnlyList<TEntity> List()
    {
        lock (gate)
        {
            return [.. items.Values];
        }
    }

    public IReadOnlyList<string> Keys()
    {
        lock (gate)
        {
            return [.. items.Keys];
        }
    }

    public IReadOnlyList<TEntity> ByIndex(string indexName, string indexValue)
    {
        lock (gate)
        {
            return [.. IndexNamed(indexName).KeysFor(indexValue).Select(key => items[key])];
        }
    }

    public IReadOnlyList<string> KeysByIndex(string indexName, string indexValue)
    {
        lock (gate)
        {
            return [.. IndexNamed(indexName).KeysFor(indexValue)];
        }
    }

    public void AddIndex(string indexName, Func<TEntity, IEnumerable<string>> indexFunction)
    {
        lock (gate)
        {
            if (indexes.ContainsKey(indexName))
            {
                throw new InvalidOperationException($"The index '{indexName}' already exists.");
            }

            var index = new Index(indexFunction);
            foreach (var (key, entity) in items)
            {
                index.Add(key, entity);
            }

            indexes[indexName] = index;
        }
    }

    /// <summary>Stores the object; returns the one it replaced, if any.</summary>
    public TEntity? Upsert(TEntity entity)
    {
        var key = EntityKey.Of(entity);
        lock (gate)
        {
            var previous = RemoveLocked(key);
            items[key] = entity;
            foreach (var index in indexes.Values)
            {
                index.Add(key, entity);
            }

            return previous;
        }
    }

    /// <summary>Removes the object with this key; returns it, if it was there.</summary>
    public TEntity? Remove(string key)
    {
        lock (gate)
        {
            return RemoveLocked(key);
        }
    }

    /// <summary>
    /// Replaces the whole content with a fresh list and returns what changed, so that a re-list after a
    /// broken watch can report the additions, updates and deletions it missed.
    /// </summary>
    public IReadOnlyList<EntityEvent<TEntity>> Replace(IEnumerable<TEntity> entities)
    {
        var changes = new List<EntityEvent<TEntity>>();
        lock (gate)
        {
            var stale = new HashSet<string>(items.Keys, StringComparer.Ordinal);
            foreach (var entity in entities)
            {
                var key = EntityKey.Of(entity);
                stale.Remove(key);
                var previous = RemoveLocked(key);
                items[key] = entity;
                foreach (var index in indexes.Values)
                {
                    index.Add(key, entity);
                }

                if (previous is null)
                {
                    changes.Add(new EntityEvent<TEntity>(EntityEventType.Added, entity));
                }
                else if (previous.ResourceVersion() != entity.ResourceVersion())
                {
                    changes.Add(new EntityEvent<TEntity>(EntityEventType.Modified, entity, previous));
                }
            }

            foreach (var key in stale)
            {
                var gone = RemoveLocked(key)!;
                changes.Add(new EntityEvent<TEntity>(EntityEventType.Deleted, gone));
            }
        }

        return changes;
    }

    private TEntity? RemoveLocked(string key)
    {
        if (!items.Remove(key, out var previous))
        {
            return null;
        }

        foreach (var index in indexes.Values)
        {
            index.Remove(key, previous);
        }

        return previous;
    }

    private Index IndexNamed(string indexName) =>
        indexes.GetValueOrDefault(indexName) ?? throw new InvalidOperationException($"There is no index '{indexName}'.");

    private sealed class Index(Func<TEntity, IEnumerable<string>> indexFunction)
    {
        private readonly Dictionary<string, HashSet<string>> keysByValue = new(StringComparer.Ordinal);

        public HashSet<string> KeysFor(string value) =>
            keysByValue.TryGetValue(value, out var keys) ? keys : [];

        public void Add(string key, TEntity entity)
        {
            foreach (var value in indexFunction(entity).Distinct(StringComparer.Ordinal))
            {
                if (!keysByValue.TryGetValue(value, out var keys))
                {
                    keys = new HashSet<string>(StringComparer.Ordinal);
                    keysByValue[value] = keys;
                }

                keys.Add(key);
            }
        }

        public void Remove(string key, TEntity entity)
        {
            foreach (var value in indexFunction(entity).Distinct(StringComparer.Ordinal))
            {
                if (keysByValue.TryGetValue(value, out var keys) && keys.Remove(key) && keys.Count == 0)
                {
                    keysByValue.Remove(value);
                }
            }
        }
    }
}
