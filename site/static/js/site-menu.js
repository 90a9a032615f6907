/* The phone menu (includes/main_menu.html): without JavaScript the "Menu" link opens the list through
   #site-menu:target; here both links give way to one button that says whether the menu is open. */
(() => {
    "use strict";
    const nav = document.querySelector("[data-site-menu]");
    if (!nav) return;
    const bar = nav.querySelector(".main-menu__bar");
    const list = nav.querySelector(".main-menu__list");
    const button = document.createElement("button");
    button.type = "button";
    button.className = "main-menu__button";
    button.textContent = nav.dataset.labelOpen || "Menu";
    button.setAttribute("aria-controls", list.id);
    bar.querySelectorAll(".main-menu__toggle").forEach((link) => link.remove());
    bar.append(button);

    const setOpen = (open) => {
        nav.classList.toggle("main-menu--open", open);
        button.setAttribute("aria-expanded", String(open));
    };
    setOpen(window.location.hash === "#" + nav.id);
    nav.classList.add("main-menu--js");
    button.addEventListener("click", () => setOpen(button.getAttribute("aria-expanded") !== "true"));
    document.addEventListener("keydown", (event) => {
        if (event.key === "Escape" && nav.classList.contains("main-menu--open") && nav.contains(document.activeElement)) {
            setOpen(false);
            button.focus();
        }
    });
})();
