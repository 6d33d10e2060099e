using System.Collections;
using System.Globalization;

namespace PveOperator.Runtime;

/// <summary>
/// The log scope of one reconcile (controller-runtime's controller, key and reconcileID): every line a reconciler or the
/// PVE client writes during it carries them, so one container's story can be read out of a busy log.
/// </summary>
internal sealed class ReconcileScope(string controller, string key, long id) : IReadOnlyList<KeyValuePair<string, object?>>
{
    public int Count => 3;

    public KeyValuePair<string, object?> this[int index] => index switch
    {
        0 => new("controller", controller),
        1 => new("key", key),
        2 => new("reconcileID", id.ToString("x", CultureInfo.InvariantCulture)),
        _ => throw new ArgumentOutOfRangeException(nameof(index)),
    };

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
    {
        for (var i = 0; i < Count; i++)
        {
            yield return this[i];
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{controller} {key} #{id:x}");
}
