using System.Collections;
using System.Diagnostics.CodeAnalysis;

namespace PveSimulator.Config;

/// <summary>The netN keys of a config's main section seen as a dictionary, so tests can write <c>Net = { ["net0"] = ... }</c>.</summary>
internal sealed class NetKeysView(ContainerConfig config) : IDictionary<string, string>
{
    public string this[string key]
    {
        get => TryGetValue(key, out var value) ? value : throw new KeyNotFoundException(key);
        set => config.Set(Checked(key), value);
    }

    public ICollection<string> Keys => Entries().Select(e => e.Key).ToArray();
    public ICollection<string> Values => Entries().Select(e => e.Value).ToArray();
    public int Count => Entries().Count();
    public bool IsReadOnly => false;

    public void Add(string key, string value)
    {
        if (ContainsKey(key))
        {
            throw new ArgumentException($"{key} is already set", nameof(key));
        }

        config.Set(Checked(key), value);
    }

    public void Add(KeyValuePair<string, string> item) => Add(item.Key, item.Value);

    public void Clear()
    {
        foreach (var key in Keys)
        {
            config.Remove(key);
        }
    }

    public bool Contains(KeyValuePair<string, string> item) => TryGetValue(item.Key, out var value) && value == item.Value;

    public bool ContainsKey(string key) => ConfigKeys.IsNet(key) && config.Get(key) is not null;

    public void CopyTo(KeyValuePair<string, string>[] array, int arrayIndex) => Entries().ToArray().CopyTo(array, arrayIndex);

    public IEnumerator<KeyValuePair<string, string>> GetEnumerator() => Entries().ToList().GetEnumerator();

    public bool Remove(string key)
    {
        if (!ContainsKey(key))
        {
            return false;
        }

        config.Remove(key);
        return true;
    }

    public bool Remove(KeyValuePair<string, string> item) => Contains(item) && Remove(item.Key);

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out string value)
    {
        value = ConfigKeys.IsNet(key) ? config.Get(key) : null;
        return value is not null;
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private IEnumerable<KeyValuePair<string, string>> Entries() => config.Current.Where(pair => ConfigKeys.IsNet(pair.Key));

    private static string Checked(string key) =>
        ConfigKeys.IsNet(key) ? key : throw new ArgumentException($"'{key}' is not a netN key", nameof(key));
}
