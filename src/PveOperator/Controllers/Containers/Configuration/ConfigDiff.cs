using System.Globalization;
using PveOperator.Entities;
using PveOperator.Proxmox;

namespace PveOperator.Controllers;

/// <summary>
/// Compares the fields a spec manages with a container's config, normalised as PVE normalises it (netN key order and
/// generated hwaddr, tags lower-cased and sorted, name servers as a list, sizes in bytes), and says what to write.
/// A field the spec leaves out is never compared and never written.
/// </summary>
internal static class ConfigDiff
{
    /// <summary>Whether the spec manages any configuration field at all.</summary>
    public static bool Manages(LxcContainerSpec spec) =>
        spec.Hostname is not null || spec.Resources is not null || spec.Rootfs?.Size is not null || spec.MountPoints is not null
        || spec.Network is not null || spec.Dns is not null || spec.Tags is not null || spec.Description is not null
        || spec.OnBoot is not null || spec.Startup is not null || spec.Features is not null || spec.Protection is not null;

    public static ConfigChange Compute(LxcContainerSpec spec, ConfigObservation actual)
    {
        var diff = new DiffBuilder();
        if (spec.Hostname is { } hostname && !string.Equals(hostname, actual.Get("hostname"), StringComparison.OrdinalIgnoreCase))
        {
            diff.Set("hostname", hostname, actual.Get("hostname"), "hostname", hostname);
        }

        Resources(spec.Resources, actual, diff);
        if (spec.Rootfs?.Size is { } rootfsSize && PveSize.QuantityBytes(rootfsSize) is { } wanted
            && PveSize.PveBytes(PvePropertyString.Parse(actual.Get("rootfs")).GetValueOrDefault("size")) is { } has)
        {
            Disk("rootfs.size", "rootfs", wanted, has, diff);
        }

        if (spec.MountPoints is { } mountPoints)
        {
            MountPointDiff.Compare(mountPoints, actual, diff);
        }

        if (spec.Network is { } network)
        {
            NetworkDiff.Compare(network, actual, diff);
        }

        Dns(spec.Dns, actual, diff);
        Tags(spec.Tags, actual, diff);
        Description(spec.Description, actual, diff);
        Flag("onBoot", "onboot", spec.OnBoot, actual, diff);
        Flag("protection", "protection", spec.Protection, actual, diff);
        Startup(spec.Startup, actual, diff);
        Features(spec.Features, actual, diff);
        return diff.Build();
    }

    public static void Disk(string field, string disk, long wanted, long has, DiffBuilder diff)
    {
        if (wanted > has)
        {
            diff.Resize(field, disk, wanted, has);
        }
        else if (wanted < has)
        {
            diff.Shrink(field, wanted, has);
        }
    }

    private static void Resources(ContainerResources? resources, ConfigObservation actual, DiffBuilder diff)
    {
        if (resources is null)
        {
            return;
        }

        if (resources.Cores is { } cores && actual.Get("cores") != ConfigText.Show(cores))
        {
            diff.Set("resources.cores", ConfigText.Show(cores), actual.Get("cores"), "cores", ConfigText.Show(cores));
        }

        if (resources.CpuLimit is { } limit && !ConfigText.SameNumber(limit, actual.Get("cpulimit"), "0"))
        {
            diff.Set("resources.cpuLimit", limit, actual.Get("cpulimit") ?? "0", "cpulimit", limit);
        }

        if (resources.CpuUnits is { } units && actual.Get("cpuunits") != ConfigText.Show(units))
        {
            diff.Set("resources.cpuUnits", ConfigText.Show(units), actual.Get("cpuunits"), "cpuunits", ConfigText.Show(units));
        }

        // PVE's defaults for a key that is not set: 512 MiB of memory and of swap.
        Mebibytes("resources.memory", "memory", resources.Memory, actual, diff);
        Mebibytes("resources.swap", "swap", resources.Swap, actual, diff);
    }

    private static void Mebibytes(string field, string key, string? quantity, ConfigObservation actual, DiffBuilder diff)
    {
        if (PveSize.QuantityMebibytes(quantity) is not { } wanted)
        {
            return;
        }

        var has = long.TryParse(actual.Get(key) ?? "512", NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) ? parsed : (long?)null;
        if (has != wanted)
        {
            diff.Set(field, quantity, has is { } shown ? PveSize.FormatMebibytes(shown) : actual.Get(key), key, wanted.ToString(CultureInfo.InvariantCulture));
        }
    }

    private static void Dns(DnsSpec? dns, ConfigObservation actual, DiffBuilder diff)
    {
        if (dns?.Nameservers is { } servers)
        {
            var has = ConfigText.Items(actual.Get("nameserver")).ToList();
            if (!servers.SequenceEqual(has, StringComparer.OrdinalIgnoreCase))
            {
                if (servers.Count == 0)
                {
                    diff.Delete("dns.nameservers", "", string.Join(',', has), "nameserver");
                }
                else
                {
                    diff.Set("dns.nameservers", string.Join(',', servers), has.Count == 0 ? null : string.Join(',', has), "nameserver", string.Join(' ', servers));
                }
            }
        }

        if (dns?.SearchDomain is { } domain && !string.Equals(domain, actual.Get("searchdomain") ?? "", StringComparison.OrdinalIgnoreCase))
        {
            if (domain.Length == 0)
            {
                diff.Delete("dns.searchDomain", "", actual.Get("searchdomain"), "searchdomain");
            }
            else
            {
                diff.Set("dns.searchDomain", domain, actual.Get("searchdomain"), "searchdomain", domain);
            }
        }
    }

    /// <summary>Tags as PVE stores them: lower-cased, de-duplicated, sorted, joined with ';'.</summary>
    public static string? NormalisedTags(IEnumerable<string> tags)
    {
        var list = tags.Select(t => t.Trim().ToLowerInvariant()).Where(t => t.Length > 0).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        return list.Count == 0 ? null : string.Join(';', list);
    }

    private static void Tags(List<string>? tags, ConfigObservation actual, DiffBuilder diff)
    {
        if (tags is null)
        {
            return;
        }

        var wanted = NormalisedTags(tags);
        var has = NormalisedTags(ConfigText.Items(actual.Get("tags")));
        if (wanted == has)
        {
            return;
        }

        var shownWanted = wanted?.Replace(';', ',') ?? "";
        var shownHas = has?.Replace(';', ',');
        if (wanted is null)
        {
            diff.Delete("tags", shownWanted, shownHas, "tags");
        }
        else
        {
            diff.Set("tags", shownWanted, shownHas, "tags", wanted);
        }
    }

    /// <summary>The spec's text is the description without the operator's owner line, which is kept below it.</summary>
    private static void Description(string? description, ConfigObservation actual, DiffBuilder diff)
    {
        if (description is null)
        {
            return;
        }

        var current = actual.Get("description");
        var mark = OwnerMark.Find(current);
        var has = WithoutMark(current);
        var wanted = description.TrimEnd();
        if (wanted == has)
        {
            return;
        }

        if (mark is not null)
        {
            diff.Set("description", wanted, has, "description", mark.MarkIn(wanted));
        }
        else if (wanted.Length == 0)
        {
            diff.Delete("description", wanted, has, "description");
        }
        else
        {
            diff.Set("description", wanted, has, "description", wanted);
        }
    }

    public static string WithoutMark(string? description)
    {
        var lines = (description ?? "").Replace("\r", "", StringComparison.Ordinal).Split('\n')
            .Where(l => !l.StartsWith(OwnerMark.Key + "=", StringComparison.Ordinal));
        return string.Join('\n', lines).TrimEnd();
    }

    private static void Flag(string field, string key, bool? wanted, ConfigObservation actual, DiffBuilder diff)
    {
        if (wanted is { } value && ConfigText.Bool(actual.Get(key)) != value)
        {
            diff.Set(field, ConfigText.Show(value), ConfigText.Show(ConfigText.Bool(actual.Get(key))), key, ConfigText.Flag(value));
        }
    }

    private static void Startup(StartupSpec? startup, ConfigObservation actual, DiffBuilder diff)
    {
        if (startup is null)
        {
            return;
        }

        var text = actual.Get("startup");
        var has = new Dictionary<string, string>(StartupPairs(text), StringComparer.Ordinal);
        var merged = new Dictionary<string, string>(has, StringComparer.Ordinal);
        if (startup.Order is { } order)
        {
            merged["order"] = ConfigText.Show(order);
        }

        if (ConfigText.Seconds(startup.UpDelay) is { } up)
        {
            merged["up"] = ConfigText.Show(up);
        }

        if (ConfigText.Seconds(startup.DownDelay) is { } down)
        {
            merged["down"] = ConfigText.Show(down);
        }

        if (!merged.OrderBy(p => p.Key, StringComparer.Ordinal).SequenceEqual(has.OrderBy(p => p.Key, StringComparer.Ordinal)))
        {
            var value = StartupText(merged);
            diff.Set("startup", value, string.IsNullOrEmpty(text) ? null : StartupText(has), "startup", value);
        }
    }

    /// <summary>PVE's startup format: [order=]N,up=N,down=N; the order key may be left out.</summary>
    private static IEnumerable<KeyValuePair<string, string>> StartupPairs(string? text) =>
        (text ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(part => part.IndexOf('=', StringComparison.Ordinal) is var at && at < 0
                ? new KeyValuePair<string, string>("order", part)
                : new KeyValuePair<string, string>(part[..at], part[(at + 1)..]));

    private static readonly string[] StartupKeys = ["order", "up", "down"];

    private static string StartupText(Dictionary<string, string> pairs) =>
        string.Join(',', StartupKeys.Where(pairs.ContainsKey).Select(k => $"{k}={pairs[k]}")
            .Concat(pairs.Where(p => p.Key is not ("order" or "up" or "down")).Select(p => $"{p.Key}={p.Value}")));

    private static void Features(FeaturesSpec? features, ConfigObservation actual, DiffBuilder diff)
    {
        if (features is null)
        {
            return;
        }

        var has = PvePropertyString.Parse(actual.Get("features"));
        var merged = new Dictionary<string, string>(has, StringComparer.Ordinal);
        var changed = false;
        foreach (var (name, wanted) in new[] { ("nesting", features.Nesting), ("keyctl", features.Keyctl), ("fuse", features.Fuse) })
        {
            if (wanted is not { } value)
            {
                continue;
            }

            var current = ConfigText.Bool(has.GetValueOrDefault(name));
            if (current != value)
            {
                diff.Drift($"features.{name}", ConfigText.Show(value), ConfigText.Show(current));
                changed = true;
            }

            // A feature PVE does not have and the spec turns off is left out: writing it would count as a change, which
            // PVE allows only root@pam for anything but nesting.
            if (value || has.ContainsKey(name))
            {
                merged[name] = ConfigText.Flag(value);
            }
        }

        if (changed)
        {
            diff.SetKey("features", ConfigText.Join(merged));
        }
    }
}
