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
    private readonly SortedDictionary<string, string> current = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, string> pending = new(StringComparer.Ordinal);
    private readonly SortedSet<string> pendingDeletes = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, string> Current => this.current;
    public IReadOnlyDictionary<string, string> Pending => this.pending;
    public IReadOnlySet<string> PendingDeletes => pendingDeletes;
    public bool HasPending => this.pending.Count > 0 || pendingDeletes.Count > 0;

    public string? Get(string key) => this.current.GetValueOrDefault(key);

    /// <summary>Sets a key in the main section; null or "" removes it.</summary>
    public void Set(string key, string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            this.current.Remove(key);
        }
        else
        {
            this.current[key] = value;
        }
    }

    public void Remove(string key) => this.current.Remove(key);

    public void Clear()
    {
        this.current.Clear();
        this.pending.Clear();
        pendingDeletes.Clear();
    }

    /// <summary>Queues a value for the next start; one equal to the current value is dropped (cleanup_pending).</summary>
    public void SetPending(string key, string value)
    {
        pendingDeletes.Remove(key);
        if (this.current.TryGetValue(key, out var current) && current == value)
        {
            this.pending.Remove(key);
            return;
        }

        this.pending[key] = value;
    }

    /// <summary>Queues a deletion for the next start; deleting a key that is not set is dropped.</summary>
    public void DeletePending(string key)
    {
        this.pending.Remove(key);
        if (this.current.ContainsKey(key))
        {
            pendingDeletes.Add(key);
        }
    }

    public void RevertPending(string key)
    {
        this.pending.Remove(key);
        pendingDeletes.Remove(key);
    }

    /// <summary>vmconfig_apply_pending: what happens at stop and start.</summary>
    public void ApplyPending()
    {
        foreach (var key in pendingDeletes)
        {
            this.current.Remove(key);
        }

        foreach (var (key, value) in this.pending)
        {
            this.current[key] = value;
        }

        this.pending.Clear();
        pendingDeletes.Clear();
    }

    /// <summary>The main section with pending values over it and pending deletions dropped (GET config's default).</summary>
    public IReadOnlyDictionary<string, string> Merged()
    {
        var merged = new SortedDictionary<string, string>(this.current, StringComparer.Ordinal);
        foreach (var key in pendingDeletes)
        {
            merged.Remove(key);
        }

        foreach (var (key, value) in this.pending)
        {
            merged[key] = value;
        }

        return merged;
    }

    public ContainerConfig Clone()
    {
        var copy = new ContainerConfig();
        foreach (var (key, value) in this.current)
        {
            copy.current[key] = value;
        }

        foreach (var (key, value) in this.pending)
        {
            copy.pending[key] = value;
        }

        copy.pendingDeletes.UnionWith(pendingDeletes);
        return copy;
    }

    /// <summary>The file as write_pct_config prints it: description comments, sorted "key: value" lines, then the pending section.</summary>
    public string Render()
    {
        var text = new StringBuilder();
        RenderSection(text, this.current);
        if (HasPending)
        {
            var pending = new SortedDictionary<string, string>(this.pending, StringComparer.Ordinal);
            if (pendingDeletes.Count > 0)
            {
                pending[PendingDeleteKey] = string.Join(',', pendingDeletes);
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
