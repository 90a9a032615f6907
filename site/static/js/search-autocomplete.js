/* Suggestions for every form[data-autocomplete-url]: a WAI-ARIA 1.2 combobox with a listbox.
   Without JavaScript the form stays a plain GET form. Texts come from the form's data-msg-* and
   data-kind-* attributes, translated by the template. */
(() => {
    "use strict";
    let count = 0;

    function setup(form) {
        const input = form.querySelector("input[name=q]");
        if (!input || !window.fetch || !window.AbortController) return;
        const data = form.dataset;
        const list = document.createElement("ul");
        const status = document.createElement("div");
        let timer, controller, ticket = 0, active = -1, options = [];

        list.id = "search-suggestions-" + ++count;
        list.className = "search-suggestions";
        list.setAttribute("role", "listbox");
        list.setAttribute("aria-label", data.msgLabel || "");
        list.hidden = true;
        status.className = "visually-hidden";
        status.setAttribute("role", "status");
        form.append(list, status);
        const attrs = { role: "combobox", "aria-autocomplete": "list", "aria-controls": list.id, "aria-expanded": "false" };
        Object.entries(attrs).forEach(([name, value]) => input.setAttribute(name, value));

        const setActive = (index) => {
            options[active]?.setAttribute("aria-selected", "false");
            active = index;
            const option = options[active];
            if (option) {
                option.setAttribute("aria-selected", "true");
                input.setAttribute("aria-activedescendant", option.id);
                option.scrollIntoView({ block: "nearest" });
            } else {
                input.removeAttribute("aria-activedescendant");
            }
        };
        const show = (open) => {
            if (!open) setActive(-1);
            list.hidden = !open;
            input.setAttribute("aria-expanded", String(open));
        };
        const cancel = () => {
            clearTimeout(timer);
            ticket++;
            controller?.abort();
        };
        const option = (hit, index) => {
            const li = document.createElement("li");
            const title = document.createElement("span");
            const meta = document.createElement("span");
            li.id = `${list.id}-${index}`;
            li.className = "search-suggestions__option";
            li.setAttribute("role", "option");
            li.setAttribute("aria-selected", "false");
            li.dataset.url = hit.url;
            title.className = "search-suggestions__title";
            title.textContent = hit.title; // never innerHTML: titles are data
            meta.className = "search-suggestions__meta";
            const kind = data["kind" + hit.kind.charAt(0).toUpperCase() + hit.kind.slice(1)];
            meta.textContent = [hit.code, kind].filter(Boolean).join(" · ");
            li.append(title);
            if (meta.textContent) li.append(meta);
            return li;
        };
        const render = (results) => {
            active = -1;
            options = results.map(option);
            list.textContent = "";
            list.append(...options);
            show(options.length > 0);
            const text = options.length === 0 ? data.msgNone : options.length === 1 ? data.msgOne : data.msgCount;
            status.textContent = (text || "").replace("{count}", options.length);
        };
        const suggest = () => {
            const q = input.value.trim();
            cancel();
            if (q.length < 2) return show(false);
            const mine = ticket;
            controller = new AbortController();
            const url = `${data.autocompleteUrl}?${new URLSearchParams({ q, mode: "autocomplete" })}`;
            fetch(url, { headers: { Accept: "application/json" }, signal: controller.signal })
                .then((response) => (response.ok ? response.json() : Promise.reject(response.status)))
                .then((json) => mine === ticket && render(json.results || []))
                .catch(() => mine === ticket && show(false)); // offline: the form still submits
        };
        const go = (li) => li?.dataset.url && window.location.assign(li.dataset.url);

        input.addEventListener("input", () => {
            clearTimeout(timer);
            timer = setTimeout(suggest, 250);
        });
        input.addEventListener("keydown", (event) => {
            const open = !list.hidden;
            if ((event.key === "ArrowDown" || event.key === "ArrowUp") && options.length) {
                event.preventDefault();
                const step = event.key === "ArrowDown" ? 1 : -1;
                const next = open && active !== -1 ? active + step : step > 0 ? 0 : -1;
                show(true);
                setActive((next + options.length) % options.length);
            } else if (event.key === "Enter" && open && options[active]) {
                event.preventDefault();
                go(options[active]);
            } else if (event.key === "Escape" && open) {
                event.preventDefault();
                show(false);
            }
        });
        list.addEventListener("mousedown", (event) => event.preventDefault()); // keep focus in the box
        list.addEventListener("click", (event) => go(event.target.closest("[role=option]")));
        form.addEventListener("submit", cancel);
        form.addEventListener("focusout", (event) => form.contains(event.relatedTarget) || show(false));
        document.addEventListener("click", (event) => form.contains(event.target) || show(false));
    }

    document.querySelectorAll("form[data-autocomplete-url]").forEach(setup);
})();
