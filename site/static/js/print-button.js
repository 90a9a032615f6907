// "Print" buttons (data-print) are hidden without JavaScript; shown here, they print the page.
document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
});
