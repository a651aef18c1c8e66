namespace Wirewatch.Cleaning.Stories;

/// <summary>
/// In memory: for each shingle hash, the stored records (by row number) whose bodies hold it. Counting a new article's
/// shingles here gives every record that shares enough copy with it, so the matcher compares only those. A shingle
/// held by more than <see cref="CommonShingle"/> records is a stock phrase ("the ministry said on"): its list is
/// dropped and it counts for every record as possibly shared, which keeps the bound safe and the cost flat.
/// About 30 bytes per distinct shingle: one posting is stored inline, longer lists in a side table.
/// Not thread-safe: its owner (a story store in Wirewatch.State) serializes access.
/// </summary>
public sealed class ShingleIndex
{
    public const int CommonShingle = 64;

    private const long Common = long.MinValue;

    // value >= 0: the one row holding the shingle; Common: a stock phrase; else -(k + 1): the rows are _lists[k].
    private readonly Dictionary<uint, long> _postings = [];
    private readonly List<List<long>?> _lists = [];
    private readonly Stack<int> _freeLists = new();

    public int DistinctShingles => _postings.Count;

    public void Clear()
    {
        _postings.Clear();
        _lists.Clear();
        _freeLists.Clear();
    }

    public void Add(long row, uint[] shingles)
    {
        foreach (var shingle in shingles)
        {
            if (!_postings.TryGetValue(shingle, out var value))
            {
                _postings[shingle] = row;
            }
            else if (value == Common)
            {
                continue;
            }
            else if (value >= 0)
            {
                _postings[shingle] = -(NewList([value, row]) + 1);
            }
            else
            {
                var k = (int)(-value - 1);
                var list = _lists[k]!;
                list.Add(row);
                if (list.Count > CommonShingle)
                {
                    _lists[k] = null;
                    _freeLists.Push(k);
                    _postings[shingle] = Common;
                }
            }
        }
    }

    /// <summary>
    /// Rows that may share at least <paramref name="minContainment"/> of the smaller body with <paramref name="shingles"/>,
    /// with <paramref name="rowShingleCount"/> telling each row's shingle count; a superset of the exact answer.
    /// </summary>
    public List<long> Candidates(uint[] shingles, double minContainment, Func<long, int> rowShingleCount)
    {
        var counts = new Dictionary<long, int>();
        var common = 0;
        foreach (var shingle in shingles)
        {
            if (!_postings.TryGetValue(shingle, out var value))
            {
                continue;
            }

            if (value == Common)
            {
                common++;
            }
            else if (value >= 0)
            {
                counts[value] = counts.GetValueOrDefault(value) + 1;
            }
            else
            {
                foreach (var row in _lists[(int)(-value - 1)]!)
                {
                    counts[row] = counts.GetValueOrDefault(row) + 1;
                }
            }
        }

        var candidates = new List<long>();
        foreach (var (row, shared) in counts)
        {
            // A hair under the threshold: the caller compares exactly, this must only never drop a record at the boundary.
            if (shared + common >= (minContainment - 1e-9) * Math.Min(shingles.Length, rowShingleCount(row)))
            {
                candidates.Add(row);
            }
        }

        candidates.Sort();
        return candidates;
    }

    private int NewList(List<long> rows)
    {
        if (_freeLists.TryPop(out var k))
        {
            _lists[k] = rows;
            return k;
        }

        _lists.Add(rows);
        return _lists.Count - 1;
    }
}
