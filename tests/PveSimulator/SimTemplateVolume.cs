namespace PveSimulator;

/// <summary>A container template archive on a storage; its volid is "&lt;storage&gt;:vztmpl/&lt;FileName&gt;".</summary>
public sealed record SimTemplateVolume(string FileName, long SizeBytes)
{
    /// <summary>The content listing's "format": "t" plus the compression, or "tar".</summary>
    public string Format
    {
        get
        {
            var name = FileName.ToLowerInvariant();
            return name.EndsWith(".tar.zst", StringComparison.Ordinal) ? "tzst"
                : name.EndsWith(".tar.gz", StringComparison.Ordinal) ? "tgz"
                : name.EndsWith(".tar.xz", StringComparison.Ordinal) ? "txz"
                : name.EndsWith(".tar.bz2", StringComparison.Ordinal) ? "tbz2"
                : "tar";
        }
    }
}
