using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace PveSimulator.Config;

/// <summary>
/// A CT's config file as pve-container keeps it: the main section, a "[pve:pending]" section (values and a
/// "delete" list) and the digest, which is the SHA-1 of the file's text. Not thread-safe: the cluster's lock guards it.
/// </summary>
internal sealed class ContainerConfig
{
    public const string PendingDeleteKey = "delete";

    // write_pct_config prints keys in Perl's default (ordinal) sort order.
    private readonly SortedDictionary<string, string> _current = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, string> _pending = new(StringComparer.Ordinal);
    private readonly SortedSet<string> _pendingDeletes = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, string> Current => _current;
    public IReadOnlyDictionary<string, string> Pending => _pending;
    public IReadOnlySet<string> PendingDeletes => _pendingDeletes;
    public bool HasPending => _pending.Count > 0 || _pendingDeletes.Count > 0;

    public string? Get(string key) => _current.GetValueOrDefault(key);

    /// <summary>Sets a key in the main section; null or "" removes it.</summary>
    public void Set(string key, string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            _current.Remove(key);
        }
        else
        {
            _current[key] = value;
        }
    }

    public void Remove(string key) => _current.Remove(key);

    public void Clear()
    {
        _current.Clear();
        _pending.Clear();
        _pendingDeletes.Clear();
    }

    /// <summary>Queues a value for the next start; one equal to the current value is dropped (cleanup_pending).</summary>
    public void SetPending(string key, string value)
    {
        _pendingDeletes.Remove(key);
        if (_current.TryGetValue(key, out var current) && current == value)
        {
            _pending.Remove(key);
            return;
        }

        _pending[key] = value;
    }

    /// <summary>Queues a deletion for the next start; deleting a key that is not set is dropped.</summary>
    public void DeletePending(string key)
    {
        _pending.Remove(key);
        if (_current.ContainsKey(key))
        {
            _pendingDeletes.Add(key);
        }
    }

    public void RevertPending(string key)
    {
        _pending.Remove(key);
        _pendingDeletes.Remove(key);
    }

    /// <summary>vmconfig_apply_pending: what happens at stop and start.</summary>
    public void ApplyPending()
    {
        foreach (var key in _pendingDeletes)
        {
            _current.Remove(key);
        }

        foreach (var (key, value) in _pending)
        {
            _current[key] = value;
        }

        _pending.Clear();
        _pendingDeletes.Clear();
    }

    /// <summary>The main section with pending values over it and pending deletions dropped (GET config's default).</summary>
    public IReadOnlyDictionary<string, string> Merged()
    {
        var merged = new SortedDictionary<string, string>(_current, StringComparer.Ordinal);
        foreach (var key in _pendingDeletes)
        {
            merged.Remove(key);
        }

        foreach (var (key, value) in _pending)
        {
            merged[key] = value;
        }

        return merged;
    }

    public ContainerConfig Clone()
    {
        var copy = new ContainerConfig();
        foreach (var (key, value) in _current)
        {
            copy._current[key] = value;
        }

        foreach (var (key, value) in _pending)
        {
            copy._pending[key] = value;
        }

        copy._pendingDeletes.UnionWith(_pendingDeletes);
        return copy;
    }

    /// <summary>The file as write_pct_config prints it: description comments, sorted "key: value" lines, then the pending section.</summary>
    public string Render()
    {
        var text = new StringBuilder();
        RenderSection(text, _current);
        if (HasPending)
        {
            var pending = new SortedDictionary<string, string>(_pending, StringComparer.Ordinal);
            if (_pendingDeletes.Count > 0)
            {
                pending[PendingDeleteKey] = string.Join(',', _pendingDeletes);
            }

            text.Append("\n[pve:pending]\n");
            RenderSection(text, pending);
        }

        return text.ToString();
    }

    /// <summary>SHA-1 hex of <see cref="Render"/>, as parse_pct_config computes it over the raw file.</summary>
    public string Digest => Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(Render())));

    private static void RenderSection(StringBuilder text, IReadOnlyDictionary<string, string> section)
    {
        if (section.TryGetValue("description", out var description))
        {
            foreach (var line in description.Split('\n'))
            {
                text.Append('#').Append(EncodeComment(line)).Append('\n');
            }
        }

        foreach (var (key, value) in section)
        {
            if (key != "description")
            {
                text.Append(key).Append(": ").Append(value).Append('\n');
            }
        }
    }

    // PVE URL-encodes characters of description lines that a config parser could misread.
    private static string EncodeComment(string line)
    {
        var encoded = new StringBuilder(line.Length);
        foreach (var c in line)
        {
            if (char.IsLetterOrDigit(c) || c is ' ' or '-' or '_' or '.' or ',' or ':' or ';' or '=' or '/' or '(' or ')' or '[' or ']' or '\\' or '\t' || c > 127)
            {
                encoded.Append(c);
            }
            else
            {
                encoded.Append(string.Create(CultureInfo.InvariantCulture, $"%{(int)c:X2}"));
            }
        }

        return encoded.ToString();
    }
}
