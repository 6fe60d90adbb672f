'use strict';
// The admin list's filter drop-downs: one open at a time, closed by Escape or a click elsewhere;
// a filter with a search box shows only the choices that match what is typed.
{
    const filters = document.querySelectorAll('.ncr-filter');
    const fold = text => text.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();

    filters.forEach(filter => {
        filter.addEventListener('toggle', () => {
            if (!filter.open) return;
            filters.forEach(other => { if (other !== filter) other.open = false; });
            const query = filter.querySelector('.ncr-filter-query');
            if (query) query.focus();
        });
        const query = filter.querySelector('.ncr-filter-query');
        if (query) {
            query.addEventListener('input', () => {
                const wanted = fold(query.value.trim());
                filter.querySelectorAll('li').forEach(item => {
                    item.hidden = wanted !== '' && !fold(item.textContent).includes(wanted);
                });
            });
        }
    });
    document.addEventListener('keydown', event => {
        if (event.key !== 'Escape') return;
        filters.forEach(filter => {
            if (filter.open) {
                filter.open = false;
                filter.querySelector('summary').focus();
            }
        });
    });
    document.addEventListener('click', event => {
        filters.forEach(filter => { if (!filter.contains(event.target)) filter.open = false; });
    });
}
